package dev.tokensweep.scanner.respond;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The text of a few named elements of an XML answer (AWS's query APIs answer in XML). No DTDs, no
 * external entities: an answer is hostile input. The first occurrence of each name wins; an answer
 * that is not XML gives what was read before the error. Answers are read as UTF-8 (AWS's are).
 */
final class Xml {
  /** An element's text is kept up to this many characters: the values asked for (an account, an ARN) are short, a hostile reply is cut. */
  private static final int MAX_TEXT = 4096;
  private Xml() {}

  private static final XMLInputFactory FACTORY = factory();

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    return f;
  }

  static Map<String, String> fields(byte[] xml, Set<String> names) {
    Map<String, String> out = new HashMap<>();
    XMLStreamReader r = null;
    try {
      // decoded here, malformed bytes replaced: the JDK's reader prints "[Fatal Error]" on stderr for
      // bytes it cannot decode, whatever reporter is set
      r = FACTORY.createXMLStreamReader(new StringReader(new String(xml, StandardCharsets.UTF_8)));
      String open = null;
      StringBuilder text = new StringBuilder();
      while (r.hasNext()) {
        int e = r.next();
        if (e == XMLStreamReader.START_ELEMENT) {
          open = names.contains(r.getLocalName()) && !out.containsKey(r.getLocalName()) ? r.getLocalName() : null;
          text.setLength(0);
        } else if ((e == XMLStreamReader.CHARACTERS || e == XMLStreamReader.CDATA) && open != null && text.length() < MAX_TEXT) {
          text.append(r.getText());
        } else if (e == XMLStreamReader.END_ELEMENT && open != null) {
          out.put(open, text.toString().strip());
          open = null;
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      // not XML, or not all of it: keep what was read
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException e) {
          // nothing to release
        }
      }
    }
    return out;
  }
}
