package io.keyhook.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.boot.web.codec.CodecCustomizer;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.CodecConfigurer;
import org.springframework.stereotype.Component;

/** Request bodies are read strictly ({@link StrictJsonDecoder}); after Spring Boot's own Jackson customizer. */
@Component
@Order(1)
public class StrictJsonCodec implements CodecCustomizer {

    private final ObjectMapper json;

    public StrictJsonCodec(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void customize(CodecConfigurer configurer) {
        configurer.defaultCodecs().jackson2JsonDecoder(new StrictJsonDecoder(json));
    }
}
