package dev.tokensweep.corpus.gen;

import java.util.Base64;

/**
 * Values that look like secrets to a careless scanner and must not be reported: identifiers,
 * digests, documentation placeholders, already-masked values and tokens with a wrong checksum.
 */
final class Decoys {
  private Decoys() {}

  /** A 1x1 PNG's first bytes padded with noise, base64: image data, not a secret. */
  static String pngBase64(Forge f) {
    byte[] png = new byte[96 + f.nextInt(200)];
    byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    System.arraycopy(magic, 0, png, 0, magic.length);
    for (int i = magic.length; i < png.length; i++) {
      png[i] = (byte) f.nextInt(256);
    }
    return Base64.getEncoder().encodeToString(png);
  }

  /** One log-ish line holding a decoy of a random type. */
  static String line(Forge f) {
    switch (f.nextInt(16)) {
      case 0: return "request_id=" + f.uuid() + " status=200";
      case 1: return "artifact sha256:" + f.hex(64) + " pushed";
      case 2: return "HEAD is now at " + f.hex(40) + " Merge pull request #" + (100 + f.nextInt(9000));
      case 3: return "traceparent: 00-" + f.hex(32) + "-" + f.hex(16) + "-01";
      case 4: return "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"app-config\",\"resourceVersion\":\""
          + (100_000 + f.nextInt(90_000_000)) + "\",\"uid\":\"" + f.uuid() + "\"}}";
      case 5: return "avatar=data:image/png;base64," + pngBase64(f);
      case 6: return "# see docs: export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
      case 7: return "curl -H \"Authorization: Bearer <token>\" https://api.github.com/user";
      case 8: return "env: GITHUB_TOKEN=${GITHUB_TOKEN} GH_TOKEN=${{ secrets.GH_TOKEN }}";
      case 9: return "aws_access_key_id=AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
      case 10: return "I1102 10:11:12.345678   4242 round_trippers.go:466] curl -v -XGET  -H \"Authorization: Bearer <masked>\" 'https://10.0.0.1:6443/api/v1/pods'";
      case 11: return "cli.knack.cli: Command arguments: ['login', '--service-principal', '-u', '" + f.uuid() + "', '-p', '*****', '--tenant', '" + f.uuid() + "']";
      case 12: return "headers={'Authorization': '[REDACTED]', 'X-Request-Id': '" + f.uuid() + "'}";
      case 13: return "legacy token " + f.githubWrongChecksum() + " rejected: bad checksum";
      case 14: return "=> Send header: Authorization: Basic <redacted>";
      default: return "etag: W/\"" + f.hex(32) + "\" md5=" + f.hex(32);
    }
  }
}
