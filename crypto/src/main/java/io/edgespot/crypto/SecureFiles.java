package io.edgespot.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writes key files so that readers never see a half-written file and only the owner can read it. */
final class SecureFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {
    }

    /**
     * Writes {@code content} to a 0600 temp file next to {@code target}, syncs it, then moves it into
     * place.
     *
     * <p>With {@code replace} the move is an atomic rename over any existing file. Without it the
     * temp file is hard-linked to the target, which fails atomically if the target exists, so two
     * concurrent creators cannot both win.
     *
     * @throws FileAlreadyExistsException if {@code replace} is false and the target exists
     */
    static void write(Path target, byte[] content, boolean replace) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp", ownerOnly(dir));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (replace) {
                moveReplacing(tmp, absolute);
            } else {
                linkOrMove(tmp, absolute);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Tells whether group or others may read the file, for warnings about loose permissions. */
    static boolean readableByOthers(Path file) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
            return false;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        return perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ);
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) throws IOException {
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
        }
        return new FileAttribute<?>[0];
    }

    private static void moveReplacing(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void linkOrMove(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
        } catch (UnsupportedOperationException e) {
            // Without hard links fall back to a plain move, which also refuses an existing target.
            Files.move(tmp, target);
        }
    }
}
