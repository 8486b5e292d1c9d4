package io.keyhook.server.account;

import io.keyhook.command.account.PasswordHasher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class AccountConfig {

    @Bean
    PasswordHasher passwordHasher() {
        return new PasswordHasher();
    }
}
