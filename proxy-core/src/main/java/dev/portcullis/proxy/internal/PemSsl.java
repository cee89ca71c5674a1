package dev.portcullis.proxy.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Builds a server {@link SSLContext} for Undertow from PEM files (certificate chain + PKCS#8 or traditional key). */
public final class PemSsl {
    private PemSsl() {}

    public static SSLContext serverContext(Path certPem, Path keyPem) throws IOException, GeneralSecurityException {
        X509Certificate[] chain = certificates(certPem);
        PrivateKey key = privateKey(keyPem);
        char[] password = new char[0];
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, password, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** The certificate chain of a PEM file (blocking file I/O). */
    public static X509Certificate[] certificates(Path certPem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> chain;
        try (var in = Files.newInputStream(certPem)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(certPem + ": no certificate (expected: PEM CERTIFICATE blocks)");
        }
        return chain.toArray(new X509Certificate[0]);
    }

    /** The private key of a PEM file: PKCS#8 ({@code PRIVATE KEY}) or SEC1/PKCS#1 ({@code EC/RSA PRIVATE KEY}). */
    public static PrivateKey privateKey(Path keyPem) throws IOException, GeneralSecurityException {
        PrivateKey key;
        try (Reader r = Files.newBufferedReader(keyPem); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else if (o instanceof PEMKeyPair pair) {
                key = converter.getPrivateKey(pair.getPrivateKeyInfo());
            } else {
                throw new GeneralSecurityException(keyPem + ": no private key (expected: PEM PRIVATE KEY)");
            }
        }
        return key;
    }
}
