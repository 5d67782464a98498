package dev.ambit.bench.topology;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@code --name value} and bare {@code --flag} arguments of the bench mains; bench/run is their only caller. */
public final class CommandLine {

    private final Map<String, String> values = new HashMap<>();

    public CommandLine(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            boolean flag = i + 1 == args.length || args[i + 1].startsWith("--");
            values.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> new IllegalArgumentException("--" + name + " is required"));
    }

    public Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public Path path(String name) {
        return Path.of(required(name));
    }

    public int integer(String name, int defaultValue) {
        return optional(name).map(Integer::parseInt).orElse(defaultValue);
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }
}
