package dev.tokensweep.scanner.fleet;

import java.io.IOException;
import java.util.Map;

/** Lets the CLI tests of another package start and read a {@link FakeCluster}. */
public final class FleetTestAccess implements AutoCloseable {
  private final FakeCluster fake;

  public FleetTestAccess() throws IOException {
    fake = new FakeCluster();
  }

  public String url() {
    return fake.url();
  }

  /** Documents the fake node holds, by id. */
  public Map<String, byte[]> documents() {
    return fake.documents;
  }

  /** Every request body it received, concatenated. */
  public String allBodies() {
    StringBuilder b = new StringBuilder();
    synchronized (fake.requests) {
      fake.requests.forEach(r -> b.append(r.bodyText()).append('\n'));
    }
    return b.toString();
  }

  /** Answers the next {@code n} bulk requests with 503. */
  public void failBulks(int n) {
    fake.failBulks.set(n);
  }

  /** Makes every error it answers (failed bulks, refused documents, searches) carry {@code reason}; searches fail. */
  public void errorReason(String reason) {
    fake.errorReason = reason;
  }

  /** The status failed bulk requests are answered with (503 unless set). */
  public void failStatus(int status) {
    fake.failStatus = status;
  }

  /** Refuses every document with {@code status}. */
  public void refuseDocuments(int status) {
    fake.itemStatus = id -> status;
  }

  @Override
  public void close() {
    fake.close();
  }
}
