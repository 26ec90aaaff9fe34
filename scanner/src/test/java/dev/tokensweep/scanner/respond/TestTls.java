package dev.tokensweep.scanner.respond;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority made in memory for each test run, a server certificate it signs for
 * {@code 127.0.0.1} and {@code localhost}, and the two TLS contexts: the local provider servers
 * present the certificate, the client trusts only the CA (never "trust all"), with hostname
 * checking as in production. A second, untrusted CA signs a rogue server's certificate.
 */
final class TestTls {
  private TestTls() {}

  private static final char[] PASSWORD = "test-only".toCharArray();

  record Pki(SSLContext server, SSLContext client) {}

  private static volatile Pki trusted;
  private static volatile Pki rogue;

  /** The server and client contexts of the trusted test CA. */
  static synchronized Pki trusted() {
    if (trusted == null) {
      trusted = make("tokensweep test CA");
    }
    return trusted;
  }

  /** A server context from another CA, which the {@link #trusted()} client does not trust. */
  static synchronized Pki rogue() {
    if (rogue == null) {
      rogue = make("someone else's CA");
    }
    return rogue;
  }

  private static Pki make(String caName) {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair ca = kpg.generateKeyPair();
      KeyPair srv = kpg.generateKeyPair();
      Instant now = Instant.now();
      Date from = Date.from(now.minus(Duration.ofHours(1)));
      Date to = Date.from(now.plus(Duration.ofDays(2)));
      X500Name caX500 = new X500Name("CN=" + caName);
      X509v3CertificateBuilder cab = new JcaX509v3CertificateBuilder(caX500, BigInteger.valueOf(1), from, to, caX500,
          ca.getPublic());
      cab.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      cab.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCert = new JcaX509CertificateConverter()
          .getCertificate(cab.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));

      X509v3CertificateBuilder sb = new JcaX509v3CertificateBuilder(caX500, BigInteger.valueOf(2), from, to,
          new X500Name("CN=127.0.0.1"), srv.getPublic());
      sb.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      sb.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      sb.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      X509Certificate srvCert = new JcaX509CertificateConverter()
          .getCertificate(sb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));

      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", srv.getPrivate(), PASSWORD, new Certificate[] {srvCert, caCert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD);
      SSLContext server = SSLContext.getInstance("TLS");
      server.init(kmf.getKeyManagers(), null, null);

      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", caCert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      SSLContext client = SSLContext.getInstance("TLS");
      client.init(null, tmf.getTrustManagers(), null);
      return new Pki(server, client);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the test PKI", e);
    }
  }
}
