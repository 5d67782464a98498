package dev.ambit.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The defaults take effect only in a JVM where no Netty class has loaded yet, as a mesh process's {@code main}: each
 * case runs {@link Probe} in a JVM of its own. A Netty upgrade that renames a property fails here.
 */
class NettyProcessDefaultsTest {

    @Test
    void oneSharedPooledAllocatorAndNoJfrEvents() throws Exception {
        assertEquals(List.of("allocator=" + PooledByteBufAllocator.class.getName(), "sameAsChannels=true",
                "jfrEvents=false", "grpcOwnAllocator=false", "recyclerChunk=128"), probe());
    }

    @Test
    void aPropertyOnTheCommandLineWins() throws Exception {
        List<String> lines = probe("-Dio.netty.allocator.type=unpooled", "-Dio.netty.jfr.enabled=true",
                "-Dio.netty.recycler.chunkSize=32");
        assertEquals("allocator=io.netty.buffer.UnpooledByteBufAllocator", lines.get(0));
        assertEquals("jfrEvents=true", lines.get(2));
        assertEquals("recyclerChunk=32", lines.get(4));
    }

    private static List<String> probe(String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("probe JVM did not exit: " + output);
            }
            assertEquals(0, process.exitValue(), output);
            return output.lines().filter(line -> line.contains("=")).toList();
        } finally {
            process.destroyForcibly();
        }
    }

    /** What a mesh process's {@code main} does first, then what Netty made of it. */
    public static final class Probe {
        public static void main(String[] args) {
            NettyProcessDefaults.apply();
            ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
            System.out.println("allocator=" + allocator.getClass().getName());
            System.out.println("sameAsChannels=" + (allocator == PooledByteBufAllocator.DEFAULT));
            System.out.println("jfrEvents=" + PlatformDependent.isJfrEnabled());
            System.out.println("grpcOwnAllocator=" + System.getProperty(NettyProcessDefaults.GRPC_OWN_ALLOCATOR_PROPERTY));
            System.out.println("recyclerChunk=" + System.getProperty(NettyProcessDefaults.RECYCLER_CHUNK_PROPERTY));
        }
    }
}
