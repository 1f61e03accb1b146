package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectAllocatorTest {

    private final DirectAllocator alloc = DirectAllocator.INSTANCE;

    @Test
    void everyKindOfBufferIsPooledDirectMemoryHeapRequestsIncluded() {
        List<ByteBuf> buffers = List.of(alloc.buffer(), alloc.buffer(64), alloc.buffer(64, 128),
                alloc.ioBuffer(), alloc.ioBuffer(64), alloc.ioBuffer(64, 128),
                alloc.heapBuffer(), alloc.heapBuffer(64), alloc.heapBuffer(64, 128),
                alloc.directBuffer(), alloc.directBuffer(64), alloc.directBuffer(64, 128));
        try {
            for (ByteBuf b : buffers) {
                assertThat(b.isDirect()).as("%s", b).isTrue();
                assertThat(b.alloc()).as("%s", b).isSameAs(io.netty.buffer.PooledByteBufAllocator.DEFAULT);
            }
            assertThat(buffers.get(8).maxCapacity()).isEqualTo(128);
        } finally {
            buffers.forEach(ByteBuf::release);
        }
        assertThat(alloc.isDirectBufferPooled()).isTrue();
    }

    @Test
    void compositesOfItsBuffersAreDirectAndReadThroughTheByteBufApi() {
        for (CompositeByteBuf c : List.of(alloc.compositeBuffer(), alloc.compositeBuffer(4),
                alloc.compositeHeapBuffer(), alloc.compositeHeapBuffer(4),
                alloc.compositeDirectBuffer(), alloc.compositeDirectBuffer(4))) {
            try {
                c.addComponent(true, alloc.heapBuffer(8).writeBytes(new byte[] {'e', 'd', 'g', 'e'}));
                c.addComponent(true, alloc.heapBuffer(8).writeBytes(new byte[] {'s', 'p', 'o', 't'}));
                assertThat(c.isDirect()).isTrue();
                assertThat(c.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("edgespot");
            } finally {
                c.release();
            }
        }
    }
}
