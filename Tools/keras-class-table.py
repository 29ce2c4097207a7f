#!/usr/bin/env python3
"""Writes the table of every keras.layers class in Docs/keras-import.md (between the class-table markers): whether
netviz reads it, how it counts it, and which fixture checks it against Keras/TensorFlow. The class list is Keras's
own (`dir(keras.layers)`); the fixtures are found by searching the committed fixture configs for each class.
KerasClassTableTests checks the table against netviz's import table, so a class read but not listed (or listed but
not read) fails `make test`.

    /work/venv-tf/bin/python Tools/keras-class-table.py
"""
import glob
import inspect
import json
import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIXTURES = os.path.join(ROOT, "Tests", "NetVizTests", "Fixtures")
DOC = os.path.join(ROOT, "Docs", "keras-import.md")

def swift_strings(path, start, end):
    """The string literals of a Swift collection literal in netviz's source, between two markers (the one list)."""
    text = open(os.path.join(ROOT, path)).read()
    body = text[text.index(start):]
    return re.findall(r'"([A-Za-z0-9]+)"', body[:body.index(end)])


# netviz's own lists, read from its source so they are written once.
_aliases = swift_strings("Sources/NetViz/Formats/Keras/KerasLayerTable.swift", "static let aliases", "\n    ]")
ALIASES = dict(zip(_aliases[0::2], _aliases[1::2]))
WRAPPERS = {"TorchModuleWrapper", "JaxLayer", "FlaxLayer", "TFSMLayer"}
ABSTRACT = {"Layer": "the base class: a subclass is a custom layer (read without its code, below)",
            "InputSpec": "not a layer: a description of a layer's inputs, never in a saved model",
            "Wrapper": "an abstract base (Bidirectional, TimeDistributed and SpectralNormalization are its subclasses)"}
INFERENCE_IDENTITY = set(swift_strings("Sources/NetViz/Layers/ActivationLayers.swift", "kerasClasses: Set<String> = [", "\n    ]"))
INFERENCE_IDENTITY.add("Dropout")
CONV = "kernel (+ bias); MACs = output positions x kernel volume x input channels / groups x filters"
RULES = [
    (r"^(Conv[123]D|DepthwiseConv[12]D|SeparableConv[12]D)$", CONV + " (depthwise: x depth_multiplier; separable: depthwise + pointwise)"),
    (r"^Conv[123]DTranspose$", "kernel (+ bias); MACs = input positions x kernel volume x input channels x filters"),
    (r"^ConvLSTM[123]D$", "input and recurrent kernels (+ bias); MACs per step = output positions x 4 x filters x kernel volume x (input channels + filters)"),
    (r"^(SimpleRNN|GRU|LSTM|RNN|SimpleRNNCell|GRUCell|LSTMCell|StackedRNNCells)$", "kernel, recurrent kernel (+ bias); MACs = steps x gates x (input + units) x units"),
    (r"^Bidirectional$", "both directions' weights; MACs of both"),
    (r"^TimeDistributed$", "the wrapped layer's params once; its MACs x steps"),
    (r"^Dense$", "kernel (+ bias); MACs = positions x input units x units"),
    (r"^EinsumDense$", "kernel of the equation's shape (+ bias_axes); MACs = product of every index size of the contraction"),
    (r"^(MultiHeadAttention|GroupQueryAttention)$", "Q, K, V, output projections; MACs = projections, plus Q·Kᵀ and A·V reported apart as activation x activation"),
    (r"^(Attention|AdditiveAttention|Dot)$", "no weights (Attention: optional scale); MACs = Q·Kᵀ and A·V (Dot: its product), activation x activation"),
    (r"^(BatchNormalization|LayerNormalization|GroupNormalization|RMSNormalization|UnitNormalization|Normalization)$", "gamma/beta (BatchNormalization's moving statistics non-trainable); 0 MACs"),
    (r"^SpectralNormalization$", "the wrapped layer's params + non-trainable vector_u; the wrapped layer's MACs"),
    (r"^(Embedding|ReversibleEmbedding)$", "the embedding table (untied ReversibleEmbedding: + reverse table); 0 MACs (a lookup)"),
    (r"^PReLU$", "alpha of the input's shape (1 on shared axes); 0 MACs"),
    (r"^STFTSpectrogram$", "real and imaginary kernels (frame_length x fft_length/2+1); MACs = frames x frame_length x bins x kernels x channels"),
    (r"^MelSpectrogram$", "no weights; MACs = the transform as direct products (frames x fft_length x bins x 2) + the mel filterbank"),
    (r"^(Adaptive|Average|Max|Global).*Pool", "no weights; 0 MACs"),
    (r"^(Resizing|CenterCrop|RandomCrop|AutoContrast|Pipeline|ContrastLimitedAdaptiveHistogramEqualization|Rescaling)$", "no weights; 0 MACs (image arithmetic is not a weighted product)"),
    (r"^(CategoryEncoding|Discretization|IntegerLookup|StringLookup|TextVectorization|Hashing|HashedCrossing)$", "no weights (a vocabulary is a constant); 0 MACs"),
    (r"^(Lambda)$", "read without its code: output shape from its consumers, no weights; MACs not counted (said so)"),
    (r"^(LayerScale)$", "gamma; 0 MACs"),
]
NO_KERNEL = {"StringLookup": "strings", "TextVectorization": "strings", "Hashing": "strings or a salt; numbers run",
             "HashedCrossing": "TensorFlow's sparse cross not implemented", "ContrastLimitedAdaptiveHistogramEqualization": "not implemented",
             "Lambda": "its code is not in the file"}


def coverage():
    found = {}

    def walk(node, source):
        if isinstance(node, dict):
            if isinstance(node.get("class_name"), str) and isinstance(node.get("config"), dict):
                found.setdefault(node["class_name"], set()).add(source)
            for value in node.values():
                walk(value, source)
        elif isinstance(node, list):
            for value in node:
                walk(value, source)

    for path in glob.glob(os.path.join(FIXTURES, "**", "*.json"), recursive=True):
        try:
            walk(json.load(open(path)), os.path.relpath(path, FIXTURES))
        except (ValueError, UnicodeDecodeError, RecursionError):
            pass
    return found


# Fixtures built in Swift with netviz's own layer API (TFModels) rather than imported from a config: the classes each
# checks against TensorFlow.
DSL_CASES = {
    "Activation": "activations", "ReLU": "relu_layer", "DepthwiseConv2D": "depthwise", "SeparableConv2D": "separable",
    "AveragePooling2D": "pool_avg_same", "MaxPooling2D": "pool_max_same", "GlobalAveragePooling2D": "global_pooling",
    "GlobalMaxPooling2D": "global_pooling", "ZeroPadding2D": "shapes", "Cropping2D": "shapes", "Dropout": "shapes",
    "Flatten": "shapes", "Reshape": "shapes", "Conv2D": "conv2d_groups", "Dense": "dense_rank4",
    "BatchNormalization": "batchnorm", "Add": "merges", "Multiply": "merges", "Concatenate": "merges",
    "Rescaling": "merges",
}


def checked(name, found):
    if name in DSL_CASES:
        return "outputs: `" + DSL_CASES[name] + "`"
    if name == "Equalization":
        return "identity checked eagerly (Keras 3.15 cannot use it in a functional model: it reports a cycle)"
    sources = sorted(found.get(name, ()))
    numeric = [s for s in sources if s.startswith("tf/")] + [s for s in sources if s.startswith("keras2/k3")]
    if numeric:
        return "outputs: `" + numeric[0].split("/")[1] + "`"
    rows = [s for s in sources if not s.startswith("bad-input")]
    return ("rows: `" + rows[0] + "`") if rows else ""


def main():
    names = sorted(n for n in dir(keras.layers) if not n.startswith("_") and inspect.isclass(getattr(keras.layers, n)))
    found = coverage()
    lines = [f"All {len(names)} classes `keras.layers` exports in Keras {keras.__version__}. **Checked**: `outputs:` "
             "a fixture whose every recorded output netviz's executor matches TensorFlow's (Fixtures/tf, keras2); "
             "`rows:` one whose rows (class, output shape, params) match Keras's `model.summary()` where netviz "
             "cannot run the layer. Regenerated by `Tools/keras-class-table.py`; KerasClassTableTests holds it to "
             "netviz's import table.", "",
             "| Class | Read | Params and MACs | Checked |", "| --- | --- | --- | --- |"]
    for name in names:
        if name in ABSTRACT:
            lines.append(f"| {name} | n/a | {ABSTRACT[name]} | |")
            continue
        if name in WRAPPERS:
            lines.append(f"| {name} | no: one line saying what it wraps | another framework's model | |")
            continue
        target = ALIASES.get(name, name)
        if name in ALIASES:
            note = f"alias of {target}"
        elif name in INFERENCE_IDENTITY:
            note = "the identity at inference (as `model.predict`); no weights, 0 MACs"
        elif name == "InputLayer":
            note = "the model's input; 0"
        elif name == "Masking":
            note = "no weights, 0 MACs; its mask reaches the recurrent layers"
        elif name in ("Activation", "ReLU", "LeakyReLU", "ELU", "Softmax"):
            note = "no weights; 0 MACs"
        elif name in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"):
            note = "no weights; 0 MACs (element-wise)"
        elif name in ("Reshape", "Flatten", "Permute", "RepeatVector") or re.match(r"^(ZeroPadding|Cropping|UpSampling)", name):
            note = "no weights; 0 MACs (layout)"
        else:
            note = next((text for pattern, text in RULES if re.search(pattern, target)), "")
        kernel = "yes" if target not in NO_KERNEL else f"yes (verify cannot run: {NO_KERNEL[target]})"
        cell = checked(target, found)
        if not cell and name in ALIASES:
            cell = f"as {target}"
        lines.append(f"| {name} | {kernel} | {note} | {cell} |")
    table = "\n".join(lines)
    doc = open(DOC).read()
    start, end = "<!-- class-table -->", "<!-- /class-table -->"
    before, rest = doc.split(start, 1)
    _, after = rest.split(end, 1)
    open(DOC, "w").write(before + start + "\n" + table + "\n" + end + after)
    print(f"{len(names)} classes", file=__import__("sys").stderr)


if __name__ == "__main__":
    main()
