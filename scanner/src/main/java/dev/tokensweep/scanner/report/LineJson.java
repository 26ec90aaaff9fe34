package dev.tokensweep.scanner.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON of the streamed writers ({@link FindingWriter}): a generator's flush at the end of each
 * line stays in the writer's buffer instead of reaching the file. Its own class so that a scan
 * whose report is not streamed never builds the mapper.
 */
final class LineJson {
  private LineJson() {}

  static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
      .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
}
