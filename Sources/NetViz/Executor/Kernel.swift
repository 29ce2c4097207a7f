/// Which implementation a kernel uses: the plain loops (written to be read against Keras's definition) or the
/// fast paths (GEMM for convolutions and Dense, channel-vectorised depthwise), always tested against the plain ones.
public enum ExecutionMode: String, Sendable, CaseIterable {
    case reference, fast
}

/// What one kernel call sees: its input tensors, its layer's weights (by weight name: `kernel`, `gamma`, ...),
/// and a counter of the multiply-accumulates it performs.
public struct KernelContext {
    public let layerName: String
    public let inputs: [Tensor]
    public let mode: ExecutionMode
    let weights: [String: Tensor]
    /// Multiply-accumulates performed so far, counted by the kernel as it works (Docs/verification.md).
    public var macs: Int64 = 0
    /// Names of the weight tensors the kernel read; the executor checks their sizes against the layer's params.
    public private(set) var used: Set<String> = []

    public init(layerName: String, inputs: [Tensor], weights: [String: Tensor], mode: ExecutionMode) {
        self.layerName = layerName
        self.inputs = inputs
        self.weights = weights
        self.mode = mode
    }

    /// A weight the kernel needs; a missing one is an error naming the layer and weight.
    public mutating func weight(_ name: String) throws -> Tensor {
        guard let tensor = weights[name] else {
            throw KernelError("has no weight '\(name)' (expected '\(layerName)/\(name)')")
        }
        used.insert(name)
        return tensor
    }

    public mutating func optionalWeight(_ name: String, if present: Bool) throws -> Tensor? {
        present ? try weight(name) : nil
    }
}

/// A kernel's complaint; the executor adds the layer's name and class.
public struct KernelError: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// One kernel: computes a layer's output from its inputs and weights, counting its MACs in `context`.
public typealias Kernel = @Sendable (_ layer: any Layer, _ context: inout KernelContext) throws -> Tensor

/// The one place where layer kinds meet their kernels, keyed by Keras class name. A kind without a kernel is an
/// error naming it, never a silent identity.
public struct KernelRegistry: Sendable {
    public private(set) var kernels: [String: Kernel]

    public init(kernels: [String: Kernel] = [:]) { self.kernels = kernels }

    public mutating func register(_ className: String, _ kernel: @escaping Kernel) { kernels[className] = kernel }

    public func kernel(for className: String) -> Kernel? { kernels[className] }

    /// A kernel for every kind in `LayerCatalog.kinds` (a test keeps the two lists equal), plus the kinds Keras
    /// import makes (nested models, keras.ops nodes). Keyed by the layer type's class name, not a node's
    /// instance name (an ops node named `Add` is not an `Add` layer).
    public static let standard = KernelRegistry(kernels: [
        InputLayer.className: { _, context in
            guard let input = context.inputs.first else { throw KernelError("got no input tensor") }
            return input
        },
        Conv2D.className: typed(Conv2D.self, Kernels.conv2D),
        DepthwiseConv2D.className: typed(DepthwiseConv2D.self, Kernels.depthwiseConv2D),
        SeparableConv2D.className: typed(SeparableConv2D.self, Kernels.separableConv2D),
        Dense.className: typed(Dense.self, Kernels.dense),
        BatchNormalization.className: typed(BatchNormalization.self, Kernels.batchNormalization),
        ReLU.className: typed(ReLU.self, Kernels.relu),
        Activation.className: typed(Activation.self) { layer, context in
            try Activations.apply(layer.function, to: context.inputs[0])
        },
        AveragePooling2D.className: typed(AveragePooling2D.self) { layer, context in
            try Kernels.pool(context.inputs[0], size: layer.poolSize, strides: layer.strides ?? layer.poolSize,
                padding: layer.padding, format: layer.dataFormat, average: true)
        },
        MaxPooling2D.className: typed(MaxPooling2D.self) { layer, context in
            try Kernels.pool(context.inputs[0], size: layer.poolSize, strides: layer.strides ?? layer.poolSize,
                padding: layer.padding, format: layer.dataFormat, average: false)
        },
        GlobalAveragePooling2D.className: typed(GlobalAveragePooling2D.self) { layer, context in
            try Kernels.globalPool(context.inputs[0], format: layer.dataFormat, keepdims: layer.keepdims, average: true)
        },
        GlobalMaxPooling2D.className: typed(GlobalMaxPooling2D.self) { layer, context in
            try Kernels.globalPool(context.inputs[0], format: layer.dataFormat, keepdims: layer.keepdims, average: false)
        },
        Flatten.className: typed(Flatten.self, Kernels.flatten),
        Reshape.className: typed(Reshape.self, Kernels.reshape),
        Dropout.className: typed(Dropout.self) { _, context in context.inputs[0] },
        ZeroPadding2D.className: typed(ZeroPadding2D.self) { layer, context in
            try Kernels.margins(context.inputs[0], layer.padding, format: layer.dataFormat, sign: 1)
        },
        Cropping2D.className: typed(Cropping2D.self) { layer, context in
            try Kernels.margins(context.inputs[0], layer.cropping, format: layer.dataFormat, sign: -1)
        },
        Add.className: typed(Add.self) { _, context in try Kernels.broadcastMerge(context.inputs, +) },
        Multiply.className: typed(Multiply.self) { _, context in try Kernels.broadcastMerge(context.inputs, *) },
        Concatenate.className: typed(Concatenate.self) { layer, context in
            try Kernels.concatenate(context.inputs, axis: layer.axis)
        },
        LayerScale.className: typed(LayerScale.self) { _, context in
            // x * gamma along the last axis (broadcast as Keras does).
            let gamma = try context.weight("gamma"), x = context.inputs[0]
            let shaped = Tensor(unchecked: [Int](repeating: 1, count: max(x.rank - 1, 0)) + [gamma.count], data: gamma.data)
            return try Kernels.broadcastMerge([x, shaped], *)
        },
        Normalization.className: typed(Normalization.self, ImportedKernels.normalization),
        LayerNormalization.className: typed(LayerNormalization.self, ImportedKernels.layerNormalization),
        NestedModel.className: typed(NestedModel.self, ImportedKernels.nested),
        ElementwiseOp<OneInput>.className: { layer, context in
            guard let op = layer as? any ElementwiseOperation else {
                throw KernelError("the ElementwiseOp kernel got a \(type(of: layer).className) layer")
            }
            return try ImportedKernels.elementwise(op, &context)
        },
        Rescaling.className: typed(Rescaling.self) { layer, context in
            let (scale, offset) = (Float(layer.scale), Float(layer.offset))
            var out = context.inputs[0]
            for i in out.data.indices { out.data[i] = out.data[i] * scale + offset }
            return out
        },
    ])

    /// Wraps a kernel written for one layer type; a layer of another type is an error, not a crash.
    public static func typed<L: Layer>(
        _ type: L.Type, _ body: @escaping @Sendable (L, inout KernelContext) throws -> Tensor
    ) -> Kernel {
        { layer, context in
            guard let typed = layer as? L else {
                throw KernelError("the \(L.className) kernel got a \(Swift.type(of: layer).className) layer")
            }
            return try body(typed, &context)
        }
    }
}
