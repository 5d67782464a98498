package dev.ambit.runtime.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Remembers every buffer it allocates, so that a test can check right away that all were released, instead of
 * waiting for the leak detector's report after a garbage collection (too late to name the input that leaked).
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> allocated = new ArrayList<>();

    public TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buffer = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        allocated.add(buffer);
        return buffer;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buffer = new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        allocated.add(buffer);
        return buffer;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** The buffers allocated so far that are still referenced, described (hex dump of their start). */
    public List<String> unreleased() {
        return allocated.stream().filter(buffer -> buffer.refCnt() > 0)
                .map(buffer -> ByteBufUtil.hexDump(buffer, 0, Math.min(buffer.writerIndex(), 64)) + " ("
                        + buffer.writerIndex() + " bytes)")
                .toList();
    }
}
