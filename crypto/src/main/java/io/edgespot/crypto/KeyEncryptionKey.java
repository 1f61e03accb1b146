package io.edgespot.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-encryption key (KEK) that protects tenant keyset files, resolved from a spec string.
 *
 * <p>Supported specs:
 * <ul>
 *   <li>{@code file:/path/kek.json} — a <b>cleartext</b> Tink AEAD keyset in JSON. For development
 *       and {@code edgespot demo} only: anyone who can read the file can decrypt every tenant
 *       keyset. {@link #generateDevKek(Path)} writes such a file.</li>
 *   <li>{@code env:VAR} — the same cleartext JSON, raw or base64-encoded, in an environment
 *       variable. Also not for production; it only moves the secret out of the filesystem.</li>
 *   <li>{@code scheme://...} — a key held by a KMS, reached through a Tink {@link KmsClient} passed
 *       to {@link #resolve(String, Function, List)}. The first client whose
 *       {@link KmsClient#doesSupport(String)} accepts the full URI provides the {@link Aead}. For
 *       AWS KMS the URI is {@code aws-kms://arn:aws:kms:<region>:<account-id>:key/<key-id>} and the
 *       client is {@code com.google.crypto.tink.integration.awskms.AwsKmsClient} from the
 *       {@code tink-awskms} artifact, which edgespot does not bundle. {@link #resolve(String)} finds
 *       the clients installed on the class path ({@link #installedKmsClients()}); the three-argument
 *       form takes configured instances. GCP ({@code gcp-kms://}) and HashiCorp Vault clients plug in
 *       the same way.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe. {@link #toString()} shows the spec, which names a
 * path, a variable or a key URI, never key material.
 */
public final class KeyEncryptionKey {
    private static final Logger LOG = LoggerFactory.getLogger(KeyEncryptionKey.class);
    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.+");
    private static final String EXPECTED =
            "expected file:/path/kek.json, env:VAR or a KMS URI such as aws-kms://arn:aws:kms:...";

    private final String spec;
    private final Aead aead;

    private KeyEncryptionKey(String spec, Aead aead) {
        this.spec = spec;
        this.aead = aead;
    }

    /**
     * Resolves a KEK spec using the process environment and, for a KMS key URI, the KMS clients installed on the
     * class path ({@link #installedKmsClients()}).
     *
     * @param spec {@code file:/path}, {@code env:VAR} or a {@code scheme://} KMS key URI
     * @return the resolved key-encryption key
     * @throws KeyException if the spec is malformed or cannot be resolved
     */
    public static KeyEncryptionKey resolve(String spec) {
        boolean kms = spec != null && URI_SCHEME.matcher(spec.strip()).matches();
        return resolve(spec, System::getenv, kms ? installedKmsClients() : List.of());
    }

    /**
     * The KMS clients on the class path: every {@link KmsClient} a jar names in its
     * {@code META-INF/services/com.google.crypto.tink.KmsClient}, made with its public no-argument constructor, in
     * class-path order. edgespot bundles none; a KMS client jar goes on {@code EDGESPOT_CLASSPATH} (the
     * {@code edgespot} command) or into {@code /opt/edgespot/plugins} (the container image).
     *
     * @throws KeyException naming the entry if a listed client cannot be loaded or made
     */
    public static List<KmsClient> installedKmsClients() {
        List<KmsClient> clients = new ArrayList<>();
        try {
            for (KmsClient client : ServiceLoader.load(KmsClient.class, KeyEncryptionKey.class.getClassLoader())) {
                clients.add(client);
            }
        } catch (ServiceConfigurationError e) {
            throw new KeyException("a KMS client on the class path cannot be loaded: " + e.getMessage(), e);
        }
        return List.copyOf(clients);
    }

    /**
     * Resolves a KEK spec.
     *
     * @param spec {@code file:/path}, {@code env:VAR} or a {@code scheme://} KMS key URI
     * @param env looks up environment variables; tests pass a map's {@code get}
     * @param kmsClients the KMS clients to try for URI specs, in order
     * @return the resolved key-encryption key
     * @throws KeyException naming the spec kind and the problem if it cannot be resolved
     */
    public static KeyEncryptionKey resolve(String spec, Function<String, String> env, List<KmsClient> kmsClients) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(kmsClients, "kmsClients");
        if (spec == null || spec.isBlank()) {
            throw new KeyException("KEK spec is empty; " + EXPECTED);
        }
        String trimmed = spec.strip();
        TinkSetup.ensureRegistered();
        if (trimmed.startsWith("file:")) {
            return new KeyEncryptionKey(trimmed, fromFile(trimmed));
        }
        if (trimmed.startsWith("env:")) {
            return new KeyEncryptionKey(trimmed, fromEnv(trimmed, env));
        }
        if (URI_SCHEME.matcher(trimmed).matches()) {
            return new KeyEncryptionKey(trimmed, fromKms(trimmed, kmsClients));
        }
        throw new KeyException("KEK spec '" + trimmed + "': unknown kind; " + EXPECTED);
    }

    /**
     * Writes a fresh cleartext AES256-GCM KEK keyset to {@code file} with mode 0600.
     *
     * <p>For {@code edgespot demo} and {@code edgespot keys new --dev-kek} only. It refuses to
     * overwrite an existing file, since replacing a KEK makes every keyset under it unreadable.
     *
     * @param file where to write the keyset JSON
     * @return the new KEK, with spec {@code file:<absolute path>}
     * @throws KeyException if the file exists or cannot be written
     */
    public static KeyEncryptionKey generateDevKek(Path file) {
        TinkSetup.ensureRegistered();
        Path absolute = file.toAbsolutePath();
        String spec = "file:" + absolute;
        try {
            KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            String json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
            SecureFiles.write(absolute, json.getBytes(StandardCharsets.UTF_8), false);
            return new KeyEncryptionKey(spec, handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (FileAlreadyExistsException e) {
            throw new KeyException("dev KEK " + absolute + ": file already exists; refusing to overwrite a KEK");
        } catch (IOException e) {
            throw new KeyException("dev KEK " + absolute + ": cannot write file", e);
        } catch (GeneralSecurityException e) {
            throw new KeyException("dev KEK " + absolute + ": cannot generate key", e);
        }
    }

    /**
     * Returns the AEAD that encrypts and decrypts tenant keysets.
     *
     * @return a thread-safe AEAD primitive
     */
    public Aead aead() {
        return aead;
    }

    /**
     * Returns the spec this KEK was resolved from.
     *
     * @return the spec, which contains a path, variable name or URI but no key material
     */
    public String spec() {
        return spec;
    }

    @Override
    public String toString() {
        return "KeyEncryptionKey[" + spec + "]";
    }

    private static Aead fromFile(String spec) {
        String location = spec.substring("file:".length());
        if (location.isEmpty()) {
            throw new KeyException("KEK spec file: has no path; expected file:/path/kek.json");
        }
        Path path;
        try {
            path = location.startsWith("//") ? Path.of(URI.create(spec)) : Path.of(location);
        } catch (IllegalArgumentException e) {
            throw new KeyException("KEK spec " + spec + ": not a valid path", e);
        }
        String json;
        try {
            json = Files.readString(path, StandardCharsets.UTF_8);
            if (SecureFiles.readableByOthers(path)) {
                LOG.warn("KEK file {} is readable by group or others; restrict it to mode 0600", path);
            }
        } catch (NoSuchFileException e) {
            throw new KeyException("KEK spec " + spec + ": file does not exist");
        } catch (IOException e) {
            throw new KeyException("KEK spec " + spec + ": cannot read file (" + e.getClass().getSimpleName() + ")", e);
        }
        return parseCleartext(json, "KEK spec " + spec + ": file");
    }

    private static Aead fromEnv(String spec, Function<String, String> env) {
        String name = spec.substring("env:".length());
        if (name.isEmpty()) {
            throw new KeyException("KEK spec env: has no variable name; expected env:VAR");
        }
        String value = env.apply(name);
        if (value == null || value.isBlank()) {
            throw new KeyException("KEK spec " + spec + ": environment variable " + name + " is not set or empty");
        }
        String json = value.strip();
        if (!json.startsWith("{")) {
            try {
                // Line breaks from wrapped base64 are dropped; anything else non-base64 is an error.
                String compact = json.replaceAll("\\s+", "");
                json = new String(Base64.getDecoder().decode(compact), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // The decoder's message quotes the offending character, so it is not passed on.
                throw new KeyException("KEK spec " + spec + ": value is neither Tink keyset JSON nor base64 of it");
            }
        }
        return parseCleartext(json, "KEK spec " + spec + ": value");
    }

    private static Aead parseCleartext(String json, String where) {
        KeysetHandle handle;
        try {
            handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            // Parser messages can quote the input, which is secret here, so only the type is kept.
            throw new KeyException(where + " is not a valid Tink keyset JSON (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new KeyException(where + " holds a keyset that is not an AEAD keyset");
        }
    }

    private static Aead fromKms(String uri, List<KmsClient> kmsClients) {
        for (KmsClient client : kmsClients) {
            if (client.doesSupport(uri)) {
                try {
                    return client.getAead(uri);
                } catch (GeneralSecurityException e) {
                    throw new KeyException("KEK spec " + uri + ": KMS client " + client.getClass().getSimpleName()
                            + " cannot provide an AEAD for this key URI", e);
                }
            }
        }
        String scheme = uri.substring(0, uri.indexOf("://"));
        String hint = "aws-kms".equals(scheme)
                ? " (aws-kms:// needs an AwsKmsClient from tink-awskms)"
                : "";
        throw new KeyException("KEK spec " + uri + ": no KMS client supports this URI among the "
                + kmsClients.size() + " registered" + hint);
    }
}
