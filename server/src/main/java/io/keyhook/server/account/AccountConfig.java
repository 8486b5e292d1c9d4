package io.keyhook.server.account;

import io.keyhook.command.account.Organization;
import io.keyhook.command.account.PasswordHasher;
import io.keyhook.command.account.Signup;
import io.keyhook.command.account.User;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class AccountConfig {

    @Bean
    PasswordHasher passwordHasher() {
        return new PasswordHasher();
    }

    @Bean
    Signup signup(org.axonframework.config.Configuration axon) {
        return new Signup(() -> axon.repository(User.class), () -> axon.repository(Organization.class));
    }
}
