package io.rocketkube.broker.processor;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageSlice;

/**
 * A pull response body made of the store's own memory-mapped slices, no copy; the {@link GetResult} is closed
 * (letting retention unmap the segments) only when Netty releases the buffer after the socket write.
 */
final class ReleasingCompositeBuffer extends CompositeByteBuf {
    private final GetResult result;

    private ReleasingCompositeBuffer(GetResult result) {
        super(UnpooledByteBufAllocator.DEFAULT, true, Math.max(2, result.messageCount()));
        this.result = result;
    }

    static ReleasingCompositeBuffer of(GetResult result) {
        ReleasingCompositeBuffer buffer = new ReleasingCompositeBuffer(result);
        for (MessageSlice slice : result.messages()) {
            buffer.addComponent(true, Unpooled.wrappedBuffer(slice.view()));
        }
        return buffer;
    }

    @Override
    protected void deallocate() {
        try {
            super.deallocate();
        } finally {
            result.close();
        }
    }
}
