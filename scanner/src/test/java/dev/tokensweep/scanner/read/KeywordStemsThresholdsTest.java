package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/**
 * {@link KeywordStems} skips a JSON line only when the base64 layer would decode nothing of it to
 * text, by the layer's own thresholds, which it keeps as copies (the read package may not depend on
 * the decode package). If the layer's thresholds change and the copies do not, lines holding a
 * run the layer now decodes could be skipped: this fails first.
 */
class KeywordStemsThresholdsTest {

  private static int constant(String className, String field) throws ReflectiveOperationException {
    Field f = Class.forName(className).getDeclaredField(field);
    f.setAccessible(true);
    return f.getInt(null);
  }

  @Test
  void copiedThresholds_sameAsTheBase64Layers() throws ReflectiveOperationException {
    String stems = "dev.tokensweep.scanner.read.KeywordStems";
    assertEquals(constant("dev.tokensweep.scanner.decode.DecodingLayer", "MIN_RUN"), constant(stems, "MIN_RUN"));
    assertEquals(constant("dev.tokensweep.scanner.decode.DecodingLayer", "MAX_RUN"), constant(stems, "MAX_RUN"));
    assertEquals(constant("dev.tokensweep.scanner.decode.Base64Layer", "MIN_DECODED"), constant(stems, "MIN_DECODED"));
  }
}
