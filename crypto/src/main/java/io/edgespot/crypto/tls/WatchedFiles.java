package io.edgespot.crypto.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The contents of a few small files read together, with the metadata and digest that tell later whether
 * they changed.
 *
 * <p>Metadata (modification time, size, file key, i.e. device and inode on Unix) is the cheap first check; the
 * SHA-256 digest decides, so that a {@code touch} or a rewrite with identical bytes does not rebuild anything.
 * An atomic rename always yields a new file key, so a replacement is seen even within one timestamp tick.
 */
final class WatchedFiles {

    private final List<Path> paths;
    private final List<Stamp> stamps;
    private final byte[] digest;
    private final List<String> texts;

    private WatchedFiles(List<Path> paths, List<Stamp> stamps, byte[] digest, List<String> texts) {
        this.paths = paths;
        this.stamps = stamps;
        this.digest = digest;
        this.texts = texts;
    }

    /** Metadata of one file; equal stamps mean "assume unchanged". */
    private record Stamp(long modifiedNanos, long size, Object fileKey) {
    }

    /**
     * Reads the files, taking each stamp before its bytes so that a change racing with the read shows up as a
     * stamp change on the next check.
     *
     * @param roles how each file is named in messages ("certificate file", "key file", ...)
     */
    static WatchedFiles read(List<Path> paths, List<String> roles) throws TlsMaterialException {
        List<Stamp> stamps = new ArrayList<>(paths.size());
        List<String> texts = new ArrayList<>(paths.size());
        MessageDigest sha256 = sha256();
        for (int i = 0; i < paths.size(); i++) {
            Path path = paths.get(i);
            stamps.add(stamp(path));
            byte[] bytes = Pem.readBytes(path, roles.get(i));
            sha256.update(longBytes(bytes.length));
            sha256.update(bytes);
            texts.add(new String(bytes, StandardCharsets.US_ASCII));
            // Key bytes are dropped as soon as possible; the String copy is parsed and then released.
            Arrays.fill(bytes, (byte) 0);
        }
        return new WatchedFiles(List.copyOf(paths), List.copyOf(stamps), sha256.digest(), List.copyOf(texts));
    }

    /** Tells, from metadata alone, whether every file still looks as it did when read. */
    boolean stampsUnchanged() {
        for (int i = 0; i < paths.size(); i++) {
            if (!stamps.get(i).equals(stamp(paths.get(i)))) {
                return false;
            }
        }
        return true;
    }

    boolean sameContent(WatchedFiles other) {
        return MessageDigest.isEqual(digest, other.digest);
    }

    String digestHex() {
        return HexFormat.of().formatHex(digest);
    }

    Path path(int index) {
        return paths.get(index);
    }

    String text(int index) {
        return texts.get(index);
    }

    /** Drops the file contents once parsed; stamps and digest are all later checks need. */
    WatchedFiles withoutContent() {
        return new WatchedFiles(paths, stamps, digest, List.of());
    }

    private static Stamp stamp(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                    + attributes.lastModifiedTime().toInstant().getNano(), attributes.size(),
                    Objects.requireNonNullElse(attributes.fileKey(), ""));
        } catch (IOException e) {
            // A file that cannot be inspected never equals a recorded stamp, so the next read reports why.
            return new Stamp(-1, -1, e.getClass().getName());
        }
    }

    private static byte[] longBytes(long value) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) value;
            value >>>= 8;
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
