/// `keras.layers.RNN(cell)`: the generic recurrent layer around a `SimpleRNNCell`, `GRUCell` or `LSTMCell`, or a
/// `StackedRNNCells` (a list of cells): each step runs the cells in turn, each reading the one before's output.
/// Params and MACs are those of the equivalent layers (`RNN(LSTMCell(4))` counts as `LSTM(4)`); with stacked cells,
/// the sum over cells, cell i reading cell i - 1's units. Weights: `kernel`, ... for one cell, `<cell name>/kernel`,
/// ... for stacked cells (Keras's `rnn/stacked_rnn_cells/<cell name>/kernel`).
/// With `return_state`, the states follow the output, cell by cell (an LSTM cell's h and c), as Keras flattens them.
public struct RNN: Layer {
    public static let className = "RNN"
    public static let arity = Arity.oneAndOptionalMask
    /// The cells, as layers with the cell's settings (units, activations, use_bias, reset_after).
    public var cells: [any RecurrentLayer]
    /// The cells' names when stacked (weight prefixes); nil for a single cell.
    public var cellNames: [String]?
    public var returnSequences: Bool
    public var returnState: Bool
    public var goBackwards: Bool
    /// `zero_output_for_mask=True`: masked steps output zeros.
    public var zeroOutputForMask = false
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(
        cells: [any RecurrentLayer], cellNames: [String]? = nil, returnSequences: Bool = false, returnState: Bool = false,
        goBackwards: Bool = false, name: String? = nil
    ) {
        self.cells = cells
        self.cellNames = cellNames
        self.returnSequences = returnSequences
        self.returnState = returnState
        self.goBackwards = goBackwards
        self.name = name
    }

    /// Cell i as the layer the kernel runs: every cell but the last returns its sequence; only the first runs
    /// backwards (the rest read its outputs in processing order).
    func cell(_ i: Int) -> any RecurrentLayer {
        var cell = cells[i]
        cell.settings.returnSequences = i < cells.count - 1 || returnSequences
        cell.settings.goBackwards = i == 0 && goBackwards
        cell.settings.returnState = false
        return cell
    }

    /// The input spec each cell reads: the RNN's input, then the previous cell's sequence.
    func cellInputs(_ input: TensorSpec) throws -> [TensorSpec] {
        guard !cells.isEmpty else { throw LayerProblem("has no cells") }
        if let cellNames, cellNames.count != cells.count || Set(cellNames).count != cells.count {
            throw LayerProblem("its stacked cells need one unique name each")
        }
        try ShapeRules.requireRank(input, 3)
        var specs = [input]
        for i in 0..<(cells.count - 1) {
            try ShapeRules.requirePositive(cells[i].settings.units, "units")
            specs.append(TensorSpec([input.dims[0], cells[i].settings.units], dtype: input.dtype))
        }
        return specs
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let specs = try cellInputs(inputs[0])
        try RecurrentKernel.checkMask(inputs)
        guard let last = specs.indices.last else { throw LayerProblem("has no cells") }
        return try cell(last).outputSpec(for: [specs[last]])
    }

    public func extraOutputSpecs(for inputs: [TensorSpec]) throws -> [TensorSpec] {
        guard returnState else { return [] }
        return cells.flatMap { cell in
            Array(repeating: TensorSpec([cell.settings.units], dtype: inputs[0].dtype), count: type(of: cell).stateCount)
        }
    }

    func prefix(_ i: Int) -> String { cellNames.map { $0[i] + "/" } ?? "" }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        guard let specs = try? cellInputs(inputs[0]) else { return [] }
        return cells.indices.flatMap { i in
            cells[i].weights(for: [specs[i]]).map { spec in
                var named = spec
                named.name = prefix(i) + spec.name
                return named
            }
        }
    }

    /// The cells' MACs: gates x (features + units) x units per step each (Docs/counting.md).
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let specs = try cellInputs(inputs[0])
        return try Checked.sum(cells.indices.map { i in
            let cell = cell(i)
            return try cell.macs(for: [specs[i]], output: cell.outputSpec(for: [specs[i]]))
        })
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? {
        "RNN " + cells.map { type(of: $0).className + "Cell" }.joined(separator: "+")
    }
}

extension RNN: MultiOutputExecutable {
    public func executeAll(_ context: inout KernelContext) throws -> [Tensor] {
        var x = context.inputs[0]
        var mask = try RecurrentKernel.mask(context)
        var states: [Tensor] = []
        for i in cells.indices {
            let (output, cellStates) = try RecurrentKernel.run(
                cell(i), x, &context, prefix: prefix(i), mask: mask, zeroOutputForMask: zeroOutputForMask)
            states += cellStates
            x = output
            // The next cells read the first one's outputs in processing order: their mask too.
            if i == 0, goBackwards, let given = mask, x.rank == 3 {
                let (batch, steps) = (x.shape[0], x.shape[1])
                mask = (0..<(batch * steps)).map { given[($0 / steps) * steps + steps - 1 - $0 % steps] }
            }
        }
        return [x] + (returnState ? states : [])
    }
}

extension RNN: MaskReadingLayer {
    var readsMask: Bool { true }
    var passesMaskOn: Bool { returnSequences }
}
