package dev.ambit.local.apps;

import java.nio.file.Path;

/** The {@code name=value} options the sample clients take after their positional arguments. */
final class AppArguments {

    private AppArguments() {
    }

    /** The value of {@code name=} among {@code args[from..]}, or {@code otherwise}. */
    static long option(String[] args, int from, String name, long otherwise) {
        String value = value(args, from, name);
        return value == null ? otherwise : Long.parseLong(value);
    }

    /** {@code stop_file=PATH}: the client stops once that file exists; null without the option. */
    static Path stopFile(String[] args, int from) {
        String value = value(args, from, "stop_file");
        return value == null ? null : Path.of(value);
    }

    private static String value(String[] args, int from, String name) {
        String prefix = name + "=";
        for (int i = from; i < args.length; i++) {
            if (args[i].startsWith(prefix)) {
                return args[i].substring(prefix.length());
            }
        }
        return null;
    }
}
