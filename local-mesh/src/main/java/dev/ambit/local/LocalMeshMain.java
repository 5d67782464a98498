package dev.ambit.local;

import dev.ambit.local.demo.DemoRunner;
import dev.ambit.local.demo.DemoSummary;
import dev.ambit.local.launch.LocalMesh;
import dev.ambit.local.topology.LocalCgroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ambit-local}: the whole mesh on this host, for the demo, the end-to-end tests and the benchmarks. */
@Command(name = "ambit-local", mixinStandardHelpOptions = true,
        description = "Run Ambit on this Linux host: simulated nodes and pods (network namespaces, veth pairs,"
                + " cgroups) with the real controller, node agents, tunnels and waypoint. Needs root.",
        subcommands = {LocalMeshMain.Up.class, LocalMeshMain.Demo.class, LocalMeshMain.Down.class,
                LocalMeshMain.Status.class})
public final class LocalMeshMain {

    static class Locations {
        @Option(names = "--work-dir", defaultValue = "/tmp/ambit-local",
                description = "Watched config, tokens, trust bundle and logs (default: ${DEFAULT-VALUE}).")
        Path workDir;

        @Option(names = "--manifests", defaultValue = "examples/demo",
                description = "The YAML to run (default: ${DEFAULT-VALUE}).")
        Path manifests;

        @Option(names = "--module-dir", defaultValue = "local-mesh",
                description = "The built local-mesh module, for the processes' classpath (default: ${DEFAULT-VALUE}).")
        Path moduleDir;

        LocalMesh mesh() {
            requireRoot();
            return new LocalMesh(workDir, moduleDir);
        }
    }

    @Command(name = "up", description = "Build the local mesh and leave it running.")
    static final class Up extends Locations implements Callable<Integer> {
        @Override
        public Integer call() {
            LocalMesh mesh = mesh();
            mesh.up(manifests);
            System.out.println("Local mesh is up; logs in " + mesh.logs() + ", watched config in " + mesh.configDir()
                    + ". Edit the YAML there to change it; `./dev local down` removes it.");
            System.out.println("Service graph: " + LocalMesh.GRAPH_URL);
            return 0;
        }
    }

    @Command(name = "demo", description = "Build the local mesh, run the demo steps, print the results, tear down.")
    static final class Demo extends Locations implements Callable<Integer> {
        @Option(names = "--json", description = "Print the results as JSON.")
        boolean json;

        @Option(names = "--keep", description = "Leave the mesh running afterwards.")
        boolean keep;

        @Option(names = "--record-class-lists", description = "Have the mesh processes record the classes they"
                + " load (in the work directory's class-lists/), and after the demo rewrite the images' class lists"
                + " (images/cds/*.classlist) from them.")
        boolean recordClassLists;

        @Override
        public Integer call() {
            if (recordClassLists && keep) {
                throw new IllegalArgumentException("--record-class-lists needs the mesh taken down after the demo"
                        + " (the processes complete their lists on exit); drop --keep");
            }
            requireRoot();
            boolean recorded = false;
            LocalMesh mesh = new LocalMesh(workDir, moduleDir, recordClassLists
                    ? Optional.of(emptyDirectory(workDir.resolve("class-lists"))) : Optional.empty());
            try {
                mesh.up(manifests);
                Map<String, Object> report = new DemoRunner(mesh, manifests).run();
                System.out.print(json ? DemoSummary.json(report) : DemoSummary.text(report));
                recorded = DemoSummary.passed(report);
                if (keep) {
                    // With --json, stdout is the JSON document alone.
                    (json ? System.err : System.out).println("The mesh keeps running; service graph: "
                            + LocalMesh.GRAPH_URL + " ; `./dev local down` removes it.");
                }
                return DemoSummary.passed(report) ? 0 : 1;
            } finally {
                if (!keep) {
                    mesh.down();
                    // Only a demo whose every step passed went through all the code the lists are for.
                    if (recordClassLists && recorded) {
                        mesh.writeRecordedClassLists();
                    }
                }
            }
        }
    }

    @Command(name = "down", description = "Remove everything of the local mesh, also after a crash.")
    static final class Down extends Locations implements Callable<Integer> {
        @Override
        public Integer call() {
            requireRoot();
            LocalMesh.removeEverything();
            System.out.println("Local mesh removed.");
            return 0;
        }
    }

    @Command(name = "status", description = "List the local mesh's namespaces and processes.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            LocalMesh.status(LocalCgroups.onThisHost()).forEach(System.out::println);
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalMeshMain())
                .setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
                    commandLine.getErr().println("ambit-local " + commandLine.getCommandName() + ": "
                            + exception.getMessage());
                    return 1;
                })
                .execute(args));
    }

    /** A directory for recorded class lists, emptied: a list left by an earlier run would be merged again. */
    private static Path emptyDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path list : old.filter(f -> f.getFileName().toString().endsWith(".classlist")).toList()) {
                    Files.delete(list);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir + " for class lists: " + e.getMessage(), e);
        }
    }

    static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the local mesh needs root (network namespaces, cgroups, eBPF); "
                    + "run it with sudo");
        }
    }
}
