package dev.ambit.control.source.file;

import java.nio.file.Path;

/** A YAML file that cannot be used; the message reads {@code file.yaml:LINE: what is wrong}. */
public final class YamlFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;

    public YamlFileException(Path file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.line = line;
    }

    /** 1-based. */
    public int line() {
        return line;
    }
}
