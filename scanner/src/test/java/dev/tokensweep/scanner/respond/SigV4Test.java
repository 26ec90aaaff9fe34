package dev.tokensweep.scanner.respond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Signature Version 4 against the values AWS publishes: the Signature Version 4 test suite
 * (credentials {@code AKIDEXAMPLE}, 2015-08-30T12:36:00Z, {@code us-east-1}, service
 * {@code service}; https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html) and
 * the IAM {@code ListUsers} example of the signing documentation, with its intermediate values.
 */
class SigV4Test {
  static final String KEY_ID = "AKIDEXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  static final Instant WHEN = Instant.parse("2015-08-30T12:36:00Z");
  static final byte[] EMPTY = new byte[0];

  @Test
  void sign_getVanilla_matchesTheSuite() {
    SigV4.Signed s = SigV4.sign("GET", URI.create("https://example.amazonaws.com/"), Map.of(), EMPTY, KEY_ID, SECRET, null,
        "us-east-1", "service", WHEN);
    assertEquals("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
        + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", s.canonicalRequest());
    assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        s.authorization());
  }

  @Test
  void sign_getVanillaQueryOrderKeyCase_sortsTheQuery() {
    SigV4.Signed s = SigV4.sign("GET", URI.create("https://example.amazonaws.com/?Param2=value2&Param1=value1"), Map.of(),
        EMPTY, KEY_ID, SECRET, null, "us-east-1", "service", WHEN);
    assertEquals("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", s.signature());
  }

  @Test
  void sign_postXWwwFormUrlencoded_signsContentTypeAndBody() {
    SigV4.Signed s = SigV4.sign("POST", URI.create("https://example.amazonaws.com/"),
        Map.of("Content-Type", "application/x-www-form-urlencoded"), "Param1=value1".getBytes(StandardCharsets.UTF_8), KEY_ID,
        SECRET, null, "us-east-1", "service", WHEN);
    assertEquals("POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
        + "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
        + "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e", s.canonicalRequest());
    assertEquals("42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281", s.stringToSign().split("\n")[3]);
    assertEquals("ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a", s.signature());
  }

  @Test
  void sign_postStsHeaderBefore_signsTheSessionToken() {
    String token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YU"
        + "uwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY"
        + "9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
    SigV4.Signed s = SigV4.sign("POST", URI.create("https://example.amazonaws.com/"), Map.of(), EMPTY, KEY_ID, SECRET, token,
        "us-east-1", "service", WHEN);
    assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        + "SignedHeaders=host;x-amz-date;x-amz-security-token, "
        + "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead", s.authorization());
  }

  @Test
  void sign_iamListUsersExample_matchesEveryDocumentedStep() {
    SigV4.Signed s = SigV4.sign("GET", URI.create("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"),
        Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), EMPTY, KEY_ID, SECRET, null, "us-east-1",
        "iam", WHEN);
    assertEquals("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59", s.stringToSign().split("\n")[3]);
    assertEquals("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
        SigV4.hex(SigV4.signingKey(SECRET, "20150830", "us-east-1", "iam")));
    assertEquals("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", s.signature());
  }

  @Test
  void host_nonDefaultPort_isSignedAsTheClientSendsIt() {
    assertEquals("127.0.0.1:8443", SigV4.host(URI.create("https://127.0.0.1:8443/aws/")));
    assertEquals("sts.amazonaws.com", SigV4.host(URI.create("https://sts.amazonaws.com:443/")));
    SigV4.Signed a = SigV4.sign("POST", URI.create("https://sts.amazonaws.com/"), Map.of(), EMPTY, KEY_ID, SECRET, null,
        "us-east-1", "sts", WHEN);
    SigV4.Signed b = SigV4.sign("POST", URI.create("https://sts.amazonaws.com/"), Map.of(), EMPTY, KEY_ID, SECRET + "x", null,
        "us-east-1", "sts", WHEN);
    assertNotEquals(a.signature(), b.signature());
  }
}
