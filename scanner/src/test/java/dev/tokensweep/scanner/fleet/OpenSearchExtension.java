package dev.tokensweep.scanner.fleet;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One OpenSearch node for every integration test class of the run, started on first use and
 * closed by JUnit when the run ends (it lives in the root store). Test methods get it as a
 * parameter.
 */
final class OpenSearchExtension implements BeforeAllCallback, ParameterResolver {

  static OpenSearchNode node(ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(OpenSearchNode.class, k -> {
          try {
            return OpenSearchNode.start();
          } catch (Exception e) {
            throw new IllegalStateException("cannot start the OpenSearch node for the integration tests", e);
          }
        }, OpenSearchNode.class);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    node(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == OpenSearchNode.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    return node(c);
  }
}
