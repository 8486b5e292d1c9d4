package io.keyhook.server.account;

import io.keyhook.command.account.Organization;
import io.keyhook.command.account.PasswordHasher;
import io.keyhook.command.account.Signup;
import io.keyhook.command.account.User;
import org.axonframework.modelling.command.Repository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class AccountConfig {

    @Bean
    PasswordHasher passwordHasher() {
        return new PasswordHasher();
    }

    @Bean
    Signup signup(Repository<User> userRepository, Repository<Organization> organizationRepository) {
        return new Signup(userRepository, organizationRepository);
    }
}
