package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.Location;

/** Maps an offset in the segment buffer handed to the detector to a location in the leaf. */
@FunctionalInterface
public interface Locator {
  Location locate(int bufferOffset);
}
