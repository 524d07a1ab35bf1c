# syntax=docker/dockerfile:1
#
# newswatch: a static binary on distroless, running as a non-root user with
# its database on the /data volume.
#
#   docker build --build-arg VERSION=$(git describe --always --dirty) -t newswatch .
#   docker run -d --name newswatch -v newswatch-data:/data -p 127.0.0.1:9464:9464 \
#       --env-file discord.env newswatch
#
# The image's config is /etc/newswatch/newswatch.toml (deploy/docker.toml);
# mount your own over it, or set NEWSWATCH_CONFIG.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
# Modules first, so that the download layer is cached across source edits.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# VERSION overrides the version read from the build information (the build
# context has no .git, so there is no VCS revision to read).
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/newswatch ./cmd/newswatch \
    && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/newswatch /usr/local/bin/newswatch
COPY deploy/docker.toml /etc/newswatch/newswatch.toml
# The volume's mount point belongs to the non-root user (65532), so a fresh
# named volume is writable.
COPY --from=build --chown=65532:65532 /out/data /data
ENV NEWSWATCH_CONFIG=/etc/newswatch/newswatch.toml
USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
EXPOSE 9464
# distroless has no shell or curl: the binary checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/newswatch", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/newswatch"]
CMD ["run"]
