// The port-holder reader lives with the nginx code (the apply round checks listen
// sockets with it too); projects use it for their backends' ports.
export * from "../../nginx/port-holders.ts";
