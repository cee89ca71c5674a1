package dev.portcullis.tunnel.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An EC P-256 self-signed certificate for tests and demos, written as PEM ({@code cert.pem}, and {@code key.pem} in
 * PKCS#8 with owner-only permissions where the file system supports them). Immutable.
 */
public final class SelfSignedCertificate {
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final Path certificatePath;
    private final Path privateKeyPath;

    private SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey, Path certPath, Path keyPath) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.certificatePath = certPath;
        this.privateKeyPath = keyPath;
    }

    /** For "localhost", 127.0.0.1 and ::1, valid for a year; written under {@code directory}. */
    public static SelfSignedCertificate forLocalhost(Path directory) {
        return generate(directory, List.of("localhost"), List.of("127.0.0.1", "::1"), Duration.ofDays(365));
    }

    /**
     * Generates a certificate for {@code dnsNames} and {@code ipAddresses} (literal IPs) and writes it under
     * {@code directory} (created if missing). Blocking (key generation, file I/O): never call on an event loop.
     */
    public static SelfSignedCertificate generate(
            Path directory, List<String> dnsNames, List<String> ipAddresses, Duration validity) {
        requireNonNull(directory, "directory");
        requireNonNull(dnsNames, "dnsNames");
        requireNonNull(ipAddresses, "ipAddresses");
        requireNonNull(validity, "validity");
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("dnsNames, ipAddresses: both empty (expected: at least one name)");
        }
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = gen.generateKeyPair();
            String cn = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
            X500Name subject = new X500Name("CN=" + cn);
            Instant now = Instant.now();
            List<GeneralName> names = new ArrayList<>();
            dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
            for (String ip : ipAddresses) {
                // Literal only: InetAddress would resolve a host name, which this is not for.
                if (!ip.matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException("ipAddresses: " + ip + " (expected: a literal IP)");
                }
                names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName(ip).getHostAddress()));
            }
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject, new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(validity)), subject, keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            Files.createDirectories(directory);
            Path certPath = directory.resolve("cert.pem");
            Path keyPath = directory.resolve("key.pem");
            Files.writeString(certPath, pem(cert), StandardCharsets.US_ASCII);
            writeOwnerOnly(keyPath, pkcs8Pem(keys.getPrivate()));
            return new SelfSignedCertificate(cert, keys.getPrivate(), certPath, keyPath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate", e);
        }
    }

    private static void writeOwnerOnly(Path path, String content) throws IOException {
        Files.deleteIfExists(path);
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(path); // not a POSIX file system
        }
        Files.writeString(path, content, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        if (Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(path, Set.copyOf(PosixFilePermissions.fromString("rw-------")));
        }
    }

    /**
     * PKCS#8 ("BEGIN PRIVATE KEY"), the form Netty's {@code SslContextBuilder.forServer(File, File)} and most servers
     * read; BouncyCastle's PEM writer would emit SEC1 ("BEGIN EC PRIVATE KEY") for an EC key.
     */
    private static String pkcs8Pem(PrivateKey key) {
        String body = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The private key (for building an SslContext in memory); the same key is in {@link #privateKeyPath()}. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    public Path certificatePath() {
        return certificatePath;
    }

    public Path privateKeyPath() {
        return privateKeyPath;
    }
}
