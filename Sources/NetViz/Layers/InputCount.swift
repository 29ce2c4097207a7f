/// A layer's arity as a type, for kinds whose arity is decided when a config is read (keras.ops nodes,
/// unknown classes): `Arity` is static in `Layer`, so each such kind is generic over one of these.
public protocol InputCount: Sendable { static var arity: Arity { get } }
public enum OneInput: InputCount { public static let arity = Arity.one }
public enum SeveralInputs: InputCount { public static let arity = Arity.atLeastTwo }

/// A layer whose Keras class name is known only at run time (nested models, keras.ops nodes, unknown
/// classes); `Node.className` prefers it to the static `className`.
public protocol InstanceClassName { var instanceClassName: String { get } }
