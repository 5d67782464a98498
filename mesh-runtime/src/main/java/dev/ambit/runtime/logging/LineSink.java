package dev.ambit.runtime.logging;

/** Where whole lines go, one per call, without a logging event for each ({@link LineBatches#plainLines}). */
public interface LineSink {

    void write(String line);
}
