package io.factorytwin.control.model;

/** How control-service treats an agent's accepted proposals; see Agent.Mode in the contract. */
public enum AgentMode {
  SHADOW,
  ADVISORY,
  AUTONOMOUS
}
