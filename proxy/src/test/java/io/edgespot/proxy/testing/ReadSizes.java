package io.edgespot.proxy.testing;

import java.util.Arrays;

/** How fuzz tests split an input into reads: deterministic, so that a finding replays. */
public final class ReadSizes {

    private ReadSizes() {
    }

    /** Read sizes of 1 to 8 bytes that add up to {@code length}, chosen from a hash of {@code input}. */
    public static int[] of(byte[] input, int length) {
        long state = Arrays.hashCode(input) | 1L;
        int[] sizes = new int[length];
        int count = 0;
        for (int left = length; left > 0; ) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            int n = Math.min(left, 1 + (int) ((state >>> 33) & 7));
            sizes[count++] = n;
            left -= n;
        }
        return Arrays.copyOf(sizes, count);
    }
}
