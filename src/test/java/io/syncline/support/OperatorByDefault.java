package io.syncline.support;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/** Every {@code @QuarkusTest} calls the API as the operator otto unless a request says otherwise. */
public class OperatorByDefault implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        Users.operatorByDefault();
    }
}
