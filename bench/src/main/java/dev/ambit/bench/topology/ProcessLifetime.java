package dev.ambit.bench.topology;

import java.util.concurrent.CountDownLatch;

/** How the long-running bench processes tell bench/run they are up, and stay up until it sends SIGTERM. */
public final class ProcessLifetime {

    private ProcessLifetime() {
    }

    /** Prints the line bench/run waits for, then blocks; {@code onStop} runs on SIGTERM. */
    public static void readyUntilTerminated(String what, Runnable onStop) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(onStop, "bench-stop"));
        System.out.println("ready " + what);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
