package dev.ambit.testbed;

import dev.ambit.host.HostCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A named network namespace ({@code /run/netns/<name>}, as {@code ip netns add} makes them). Commands reach it with
 * {@code ip -n} and {@code nsenter --net}, never {@code ip netns exec}: that one also remounts /sys privately, which
 * hides the cgroup v2 and bpffs mounts a process inside may need (a node tunnel's eBPF steering does; bench/run
 * gives the same reason).
 */
public record Netns(String name) {

    private static final Path RUN_NETNS = Path.of("/run/netns");

    /** Creates the namespace with its loopback up. Fails if it exists: a test host is only what this code made. */
    public static Netns create(String name) {
        Netns netns = new Netns(name);
        HostCommand.run(List.of("ip", "netns", "add", name));
        try {
            netns.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
            netns.delete();
            throw e;
        }
        return netns;
    }

    /** The namespaces whose names start with {@code prefix}, e.g. what a crashed run left. */
    public static List<Netns> existing(String prefix) {
        List<Netns> found = new ArrayList<>();
        for (String line : HostCommand.run(List.of("ip", "netns", "list")).split("\n")) {
            String name = line.split(" ")[0];
            if (!name.isEmpty() && name.startsWith(prefix)) {
                found.add(new Netns(name));
            }
        }
        return found;
    }

    public Path path() {
        return RUN_NETNS.resolve(name);
    }

    /** {@code ip -n <name> args...}: iproute2 switches namespaces for itself only. */
    public void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        HostCommand.run(command);
    }

    /** Sets a per-namespace sysctl, e.g. {@code net.ipv4.ip_forward=1}. */
    public void sysctl(String setting) {
        HostCommand.run(command(List.of("sysctl", "-q", "-w", setting)));
    }

    /** Runs {@code command} inside to completion and returns its stdout. */
    public String run(String... command) {
        return HostCommand.run(command(List.of(command)));
    }

    /** {@code command} to be run inside: prefixed with {@code nsenter --net}, which execs it (same pid). */
    public List<String> command(List<String> command) {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=" + path(), "--"));
        full.addAll(command);
        return full;
    }

    /** Bytes received by {@code link} inside this namespace ({@code /proc/net/dev} as seen from inside). */
    public long receivedBytes(String link) {
        for (String line : run("cat", "/proc/net/dev").split("\n")) {
            String[] nameAndCounters = line.strip().split(":", 2);
            if (nameAndCounters.length == 2 && nameAndCounters[0].equals(link)) {
                return Long.parseLong(nameAndCounters[1].strip().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no link " + link + " in network namespace " + name);
    }

    /**
     * Calls {@code action} on a new thread that has joined this namespace, so that the sockets it creates (e.g. a
     * Netty listener, created by the calling thread in {@code bind}) live here. setns(2) changes the calling thread
     * only, and this thread ends with the call: no pooled thread is left in the namespace.
     */
    public <T> T call(Callable<T> action) throws Exception {
        FutureTask<T> task = new FutureTask<>(() -> {
            SetNs.enter(path());
            return action.call();
        });
        Thread thread = new Thread(task, "netns-" + name);
        thread.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    public boolean exists() {
        return Files.exists(path());
    }

    /** Deletes the namespace; its links (veth ends, bridges) go with it. Fine when it is already gone. */
    public void delete() {
        if (!exists()) {
            return;
        }
        try {
            HostCommand.run(List.of("ip", "netns", "delete", name));
        } catch (IllegalStateException e) {
            if (exists()) {
                throw e;
            }
        }
    }
}
