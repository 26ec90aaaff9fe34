# tokensweep in a container: build with Maven, run on a slim base with the jlinked runtime the build
# makes (no JDK in the image), as a non-root user, with the working directory as the scan root.
#
#   docker build -t tokensweep .
#   docker run --rm -v "$PWD:/scan:ro" tokensweep scan .
#
# Not built on the machine this project is developed on (it has no Docker engine); .ci/run tests the
# same tarball this image unpacks.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# dependencies first, so a change in the sources does not download them again
COPY pom.xml ./
COPY detectors/pom.xml detectors/
COPY scanner/pom.xml scanner/
COPY corpus/pom.xml corpus/
COPY dist/pom.xml dist/
RUN mvn -B -ntp -q -pl detectors,scanner -am dependency:go-offline -DexcludeArtifactIds=tokensweep-detectors || true
COPY . .
# the jar, the jlinked runtime and the tarball; no .deb in the image build
RUN mvn -B -ntp -q -pl dist -am package -DskipTests -Dtokensweep.deb.skip=true \
 && mkdir /opt/tokensweep \
 && tar xzf dist/target/tokensweep-*-linux-*.tar.gz -C /opt/tokensweep --strip-components=1 \
 && /opt/tokensweep/bin/tokensweep --version

FROM debian:bookworm-slim
COPY --from=build /opt/tokensweep /opt/tokensweep
# the class-data-sharing archive for this image's paths, written once here (Java 17 ties it to the
# jar's path), then everything read-only for the user that runs the scans
RUN ln -s /opt/tokensweep/bin/tokensweep /usr/local/bin/tokensweep \
 && tokensweep scan --quiet --no-progress --threads 1 /opt/tokensweep/LICENSE \
 && ls /opt/tokensweep/lib/tokensweep-17-*.jsa \
 && useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent tokensweep \
 && mkdir /scan && chown tokensweep:tokensweep /scan
USER 10001:10001
WORKDIR /scan
ENTRYPOINT ["/opt/tokensweep/bin/tokensweep"]
CMD ["scan", "."]
