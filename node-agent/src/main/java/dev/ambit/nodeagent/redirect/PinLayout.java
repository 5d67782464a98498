package dev.ambit.nodeagent.redirect;

import java.nio.file.Path;

/** Where the agent pins in bpffs: {@code <root>/maps/<map name>} and {@code <root>/links/<program name>}. */
record PinLayout(Path root) {

    Path maps() {
        return root.resolve("maps");
    }

    Path links() {
        return root.resolve("links");
    }

    Path map(String name) {
        return maps().resolve(name);
    }

    Path link(String program) {
        return links().resolve(program);
    }
}
