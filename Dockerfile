# Build the jar first: ./mvnw -B package -DskipTests
FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
# /secrets: where several instances share their keys (docker-compose.yml); a volume there starts out owned by keyhook.
RUN useradd --system --uid 1001 --home-dir /app keyhook && mkdir -p /data /secrets && chown keyhook /data /secrets
WORKDIR /app
COPY server/target/keyhook.jar /app/keyhook.jar
USER keyhook
ENV KEYHOOK_DATA_DIR=/data \
    AXONIQ_UPDATE_CHECKER_DISABLED=true
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=5 \
    CMD curl -fs http://localhost:8080/actuator/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/keyhook.jar"]
