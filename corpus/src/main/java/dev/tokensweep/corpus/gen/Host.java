package dev.tokensweep.corpus.gen;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

/** One simulated endpoint: its names, a clock that moves forward, and the forge for its secrets. */
final class Host {
  private static final String[] USERS = {"alice", "bob", "chen", "dmitri", "esther", "farah", "gus", "hana"};
  private static final String[] NAMES = {"Alice Martin", "Bob Okafor", "Chen Wei", "Dmitri Volkov", "Esther Cohen",
      "Farah Haddad", "Gus Lindqvist", "Hana Sato"};
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SYSLOG = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", java.util.Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  final Random random;
  final Forge forge;
  final String hostname;
  final String user;
  final String fullName;
  final String tenant;
  private long clockMillis;

  Host(long seed, int index) {
    this.random = new Random(seed);
    this.forge = new Forge(random);
    int u = random.nextInt(USERS.length);
    this.user = USERS[u];
    this.fullName = NAMES[u];
    this.hostname = forge.pick(new String[] {"ws", "build", "dev", "ci-runner", "laptop"}) + "-" + String.format("%02d", index)
        + "." + forge.pick(new String[] {"corp.example", "eng.example", "lab.example"});
    this.tenant = forge.tenant();
    this.clockMillis = (Forge.NOW - 86_400L * 3 + random.nextInt(86_400)) * 1000L;
  }

  /** Moves the clock forward by up to {@code maxMillis} and returns the epoch second. */
  long tick(int maxMillis) {
    clockMillis += 1 + random.nextInt(Math.max(1, maxMillis));
    return clockMillis / 1000;
  }

  String iso() {
    return ISO.format(Instant.ofEpochMilli(clockMillis));
  }

  String syslogTime() {
    return SYSLOG.format(Instant.ofEpochMilli(clockMillis));
  }

  long epoch() {
    return clockMillis / 1000;
  }

  String shortHost() {
    return hostname.substring(0, hostname.indexOf('.'));
  }

  String repo() {
    return forge.pick(new String[] {"acme/infra", "acme/payments-api", "acme/web", "acme/terraform-modules", "acme/ml-pipeline"});
  }
}
