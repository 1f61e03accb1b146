package io.edgespot.cache;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Serialises and seals stored responses, and derives every associated-data and PRF input with domain separation.
 *
 * <p>Associated data is always the full cache key (tenant, scheme, host, path, normalised query and Vary-selected
 * values) followed by a purpose byte, so a ciphertext moved to another key, another purpose or another segment
 * position fails to open.
 */
final class EntryCodec {
    private static final byte HEAD = 'H';
    private static final byte SEGMENT = 'S';
    private static final byte LOCATOR = 'L';
    private static final byte KEY_TAG = 'k';
    private static final byte SELECTOR_TAG = 'v';
    private static final byte PURGE_TAG = 't';

    private EntryCodec() {
    }

    /** The decrypted head of a stored response. */
    record Head(HttpFields headers, byte[] inlineBody) {
    }

    static Digest keyDigest(EntrySealer sealer, byte[] primaryKey) {
        return new Digest(sealer.tag(prefixed(KEY_TAG, primaryKey)));
    }

    static Digest selectorDigest(EntrySealer sealer, byte[] fullKey) {
        return new Digest(sealer.tag(prefixed(SELECTOR_TAG, fullKey)));
    }

    static Digest purgeTagDigest(EntrySealer sealer, String tag) {
        return new Digest(sealer.tag(prefixed(PURGE_TAG, tag.getBytes(StandardCharsets.UTF_8))));
    }

    /** Seals the URL of a group, bound to the group's map key so it cannot be moved to another group. */
    static byte[] sealLocator(EntrySealer sealer, byte[] primaryKey, Digest keyDigest)
            throws GeneralSecurityException {
        return sealer.seal(primaryKey, prefixed(LOCATOR, keyDigest.bytes()));
    }

    static PrimaryKey openLocator(EntrySealer sealer, byte[] sealedLocator, Digest keyDigest)
            throws GeneralSecurityException {
        try {
            return PrimaryKey.decode(sealer.open(sealedLocator, prefixed(LOCATOR, keyDigest.bytes())));
        } catch (IOException e) {
            throw new GeneralSecurityException("malformed locator", e);
        }
    }

    /** Seals the header block together with a small body ({@code inlineBody} is empty when the body is sealed apart). */
    static byte[] sealHead(EntrySealer sealer, byte[] fullKey, HttpFields headers, byte[] inlineBody,
                           boolean last) throws GeneralSecurityException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + inlineBody.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            List<String[]> lines = new ArrayList<>();
            headers.forEach((name, value) -> lines.add(new String[] {name, value}));
            out.writeInt(lines.size());
            for (String[] line : lines) {
                PrimaryKey.writeString(out, line[0]);
                PrimaryKey.writeString(out, line[1]);
            }
            out.write(inlineBody);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sealer.seal(bytes.toByteArray(), headAd(fullKey, last));
    }

    static Head openHead(EntrySealer sealer, byte[] fullKey, StoredVariant variant)
            throws GeneralSecurityException {
        byte[] plain = sealer.open(variant.sealedHead(), headAd(fullKey, variant.sealedSegments().isEmpty()));
        try {
            ByteBuffer in = ByteBuffer.wrap(plain);
            if (in.remaining() < Integer.BYTES) {
                throw new IOException("truncated head");
            }
            int count = in.getInt();
            HttpFields.Builder headers = HttpFields.builder();
            for (int i = 0; i < count; i++) {
                headers.add(PrimaryKey.readString(in), PrimaryKey.readString(in));
            }
            return new Head(headers.build(), Arrays.copyOfRange(plain, in.position(), plain.length));
        } catch (IOException e) {
            throw new GeneralSecurityException("malformed head", e);
        }
    }

    /** Seals body segment {@code index} (1-based; segment 0 is inside the head). */
    static byte[] sealSegment(EntrySealer sealer, byte[] fullKey, int index, boolean last, byte[] plaintext)
            throws GeneralSecurityException {
        return sealer.seal(plaintext, segmentAd(fullKey, index, last));
    }

    /** Opens body segment {@code index} into {@code dst}; see {@link EntrySealer#open(ByteBuffer, byte[], ByteBuffer)}. */
    static int openSegment(EntrySealer sealer, byte[] fullKey, int index, boolean last, byte[] ciphertext,
                           ByteBuffer dst) throws GeneralSecurityException {
        return sealer.open(ByteBuffer.wrap(ciphertext), segmentAd(fullKey, index, last), dst);
    }

    private static byte[] headAd(byte[] fullKey, boolean last) {
        return ByteBuffer.allocate(fullKey.length + 2).put(fullKey).put(HEAD).put((byte) (last ? 1 : 0)).array();
    }

    private static byte[] segmentAd(byte[] fullKey, int index, boolean last) {
        return ByteBuffer.allocate(fullKey.length + 6).put(fullKey).put(SEGMENT).putInt(index)
                .put((byte) (last ? 1 : 0)).array();
    }

    private static byte[] prefixed(byte domain, byte[] input) {
        return ByteBuffer.allocate(input.length + 1).put(domain).put(input).array();
    }
}
