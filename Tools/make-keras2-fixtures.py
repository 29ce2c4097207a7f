#!/usr/bin/env python3
"""Writes Tests/NetVizTests/Fixtures/keras2: small models saved by Keras itself, for netviz's Keras 2 (.json, .h5)
and HDF5 weight readers (issue 11).

Needs tensorflow-cpu with tf_keras beside it (CI never does; the outputs are committed):
    python3 -m venv /work/venv-tf && /work/venv-tf/bin/pip install tensorflow-cpu==2.21.* h5py
    /work/venv-tf/bin/pip install --no-deps tf_keras==2.21.*   # --no-deps, or pip swaps in full tensorflow
    /work/venv-tf/bin/python Tools/make-keras2-fixtures.py [OUT_DIR]

For each Keras 2 (tf_keras) model NAME it writes:
  NAME.json           model.to_json()
  NAME.h5             model.save("NAME.h5"): model_config attribute + model_weights/<layer>/<layer>/<weight>:0
  NAME.expected.json  the rows of tf_keras's model.summary() (name, class, output shape, params, trainable split)
  NAME.summary.txt    tf_keras's model.summary() text
  NAME.input.npy      a seeded float32 input, batch 2
  NAME.output.npy     TensorFlow's output on it, with the file's weights
and for each Keras 3 model NAME (k3_*): NAME.keras (config.json + model.weights.h5), NAME.expected.json,
NAME.input.npy, NAME.output.npy, and NAME.safetensors (the weights keyed by Keras 3's own variable.path).
Weights are seeded (not Keras's initial zeros/ones), so BatchNormalization's moving statistics matter.
"""
import contextlib
import io
import json
import os
import struct
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402
import keras  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "NetVizTests", "Fixtures", "keras2")
BATCH = 2


# ---- Keras 2 (tf_keras) models --------------------------------------------------------------------------------
def k2_cnn():
    """Functional CNN with two merges (Add, Concatenate), BatchNormalization, depthwise and separable convs."""
    L = tf_keras.layers
    inp = tf_keras.Input((16, 16, 3), name="image")
    x = L.Conv2D(8, 3, strides=2, padding="same", use_bias=False, name="conv1")(inp)
    x = L.BatchNormalization(name="conv1_bn")(x)
    x = L.ReLU(6.0, name="conv1_relu")(x)
    a = L.DepthwiseConv2D(3, padding="same", name="dw")(x)
    a = L.Conv2D(8, 1, activation="relu", name="pw")(a)
    x = L.Add(name="add")([x, a])
    b = L.SeparableConv2D(4, 3, padding="same", name="sep")(x)
    c = L.MaxPooling2D(2, name="pool")(x)
    c = L.Conv2D(4, 1, name="squeeze")(c)
    c = L.ZeroPadding2D(((0, 0), (0, 0)), name="pad")(c)
    c = L.Conv2D(4, 3, padding="same", dilation_rate=1, name="expand")(c)
    c = L.Reshape((4, 4, 4), name="reshape")(c)
    b = L.AveragePooling2D(2, name="avg")(b)
    x = L.Concatenate(name="concat")([b, c])
    x = L.GlobalAveragePooling2D(name="gap")(x)
    x = L.Dropout(0.2, name="drop")(x)
    out = L.Dense(5, name="head")(x)  # logits: a saturated softmax would hide small errors
    return tf_keras.Model(inp, out, name="k2_cnn")


def k2_sequential():
    """Sequential with input_shape on its first layer (Keras 2's batch_input_shape), no explicit Input."""
    L = tf_keras.layers
    return tf_keras.Sequential([
        L.Conv2D(6, 3, activation="relu", input_shape=(12, 12, 1), name="conv"),
        L.MaxPooling2D(name="pool"),
        L.Flatten(name="flatten"),
        L.Dropout(0.5, name="dropout"),
        L.Dense(10, name="dense"),  # logits, as in k2_cnn
    ], name="k2_sequential")


def k2_nested():
    """A model holding a Sequential and a Functional sub-model (BatchNormalization inside, so Keras 2's
    trainable-first weight order matters), and a frozen layer."""
    L = tf_keras.layers
    stem = tf_keras.Sequential([
        L.Conv2D(8, 3, padding="same", input_shape=(16, 16, 3), name="stem_conv"),
        L.BatchNormalization(name="stem_bn"),
        L.ReLU(name="stem_relu"),
        L.Conv2D(8, 1, name="stem_conv2"),
        L.BatchNormalization(name="stem_bn2"),
    ], name="stem")
    b_in = tf_keras.Input((8, 8, 8), name="block_in")
    b = L.DepthwiseConv2D(3, padding="same", use_bias=False, name="block_dw")(b_in)
    b = L.BatchNormalization(name="block_bn")(b)
    b = L.Conv2D(12, 1, activation="relu", name="block_pw")(b)
    block = tf_keras.Model(b_in, b, name="block")
    inp = tf_keras.Input((16, 16, 3), name="image")
    x = stem(inp)
    x = L.MaxPooling2D(2, name="pool")(x)
    x = block(x)
    frozen = L.Conv2D(6, 3, name="frozen_conv")
    frozen.trainable = False
    x = frozen(x)
    x = L.GlobalMaxPooling2D(name="gmp")(x)
    out = L.Dense(3, name="head")(x)
    return tf_keras.Model(inp, out, name="k2_nested")


def k2_mobilenet():
    return tf_keras.applications.MobileNet(
        input_shape=(128, 128, 3), alpha=0.25, weights=None, classes=10)


K2_MODELS = {"k2_cnn": k2_cnn, "k2_sequential": k2_sequential, "k2_nested": k2_nested, "k2_mobilenet": k2_mobilenet}


# ---- Keras 3 models -------------------------------------------------------------------------------------------
def k3_autoencoder():
    """A dense autoencoder of two Functional sub-models: Keras 3 names their variables 'dense/kernel', without
    the sub-model's name (the --weights case of issue 11)."""
    L = keras.layers
    e_in = keras.Input((12,), name="enc_in")
    e = L.Dense(6, activation="relu", name="enc_dense")(e_in)
    e = L.BatchNormalization(name="enc_bn")(e)
    encoder = keras.Model(e_in, L.Dense(3, name="code")(e), name="encoder")
    d_in = keras.Input((3,), name="dec_in")
    d = L.Dense(6, activation="relu", name="dec_dense")(d_in)
    decoder = keras.Model(d_in, L.Dense(12, activation="sigmoid", name="recon")(d), name="decoder")
    inp = keras.Input((12,), name="x")
    return keras.Model(inp, decoder(encoder(inp)), name="k3_autoencoder")


def k3_mix():
    """A CNN with a nested Sequential (its variables are 'stem/conv/kernel'), a merge and a frozen layer."""
    L = keras.layers
    stem = keras.Sequential([
        keras.Input((16, 16, 3)), L.Conv2D(8, 3, padding="same", name="k3_stem_conv"),
        L.BatchNormalization(name="k3_stem_bn"), L.ReLU(6.0, name="k3_stem_relu")], name="k3_stem")
    inp = keras.Input((16, 16, 3), name="image")
    x = stem(inp)
    a = L.DepthwiseConv2D(3, padding="same", name="k3_dw")(x)
    a = L.Conv2D(8, 1, name="k3_pw")(a)
    x = L.Add(name="k3_add")([x, a])
    frozen = L.SeparableConv2D(4, 3, strides=2, name="k3_frozen_sep")
    frozen.trainable = False
    x = frozen(x)
    x = L.LayerNormalization(name="k3_ln")(x)
    x = L.GlobalAveragePooling2D(name="k3_gap")(x)
    out = L.Dense(4, activation="softmax", name="k3_head")(x)
    return keras.Model(inp, out, name="k3_mix")


def k3_sequence():
    """Layers whose weights Keras 3 keeps in sub-groups of model.weights.h5 (`lstm/cell/vars`,
    `multi_head_attention/query_dense/vars`, `spectral_normalization/layer/vars`, ...)."""
    L = keras.layers
    x = keras.Input((5, 4), name="steps")
    parts = [
        L.LSTM(3, name="k3_lstm")(x),
        L.Bidirectional(L.GRU(2), name="k3_bigru")(x),
        L.RNN(L.StackedRNNCells([L.LSTMCell(2), L.GRUCell(3)]), name="k3_stacked")(x),
        L.RNN([L.SimpleRNNCell(2), L.SimpleRNNCell(2)], name="k3_cells")(x),
        L.Flatten(name="k3_mha_flat")(L.MultiHeadAttention(2, 3, name="k3_mha")(x, x)),
        L.Flatten(name="k3_gqa_flat")(L.GroupQueryAttention(2, 4, 2, name="k3_gqa")(x, x)),
        L.Flatten(name="k3_sn_flat")(L.SpectralNormalization(L.Dense(3), name="k3_sn")(x)),
        L.Flatten(name="k3_td_flat")(L.TimeDistributed(L.Dense(2), name="k3_td")(x)),
        L.Flatten(name="k3_convlstm_flat")(L.ConvLSTM1D(2, 2, name="k3_convlstm")(L.Reshape((5, 4, 1), name="k3_frames")(x))),
    ]
    return keras.Model(x, L.Concatenate(name="k3_concat")(parts), name="k3_sequence")


K3_MODELS = {"k3_autoencoder": k3_autoencoder, "k3_mix": k3_mix, "k3_sequence": k3_sequence}


# ---- shared -------------------------------------------------------------------------------------------------
def seeded_weights(model, seed):
    """Replaces every weight with seeded values: kernels uniform within Glorot's limit, scales and variances in
    [0.5, 1.5), everything else in [-0.1, 0.1)."""
    rng = np.random.default_rng(seed)
    values = []
    for w in model.weights:
        shape = tuple(int(d) for d in w.shape)
        name = (w.path if hasattr(w, "path") else w.name).split("/")[-1].split(":")[0]
        if "kernel" in name:
            fan = (shape[-2] if len(shape) >= 2 else shape[0]) + shape[-1]
            v = rng.uniform(-1, 1, shape) * np.sqrt(6.0 / fan) * (2.0 if len(shape) == 4 else 1.0)
        elif name in ("gamma", "moving_variance", "variance"):
            v = rng.uniform(0.5, 1.5, shape)
        else:
            v = rng.uniform(-0.1, 0.1, shape)
        values.append(v.astype(np.float32))
    model.set_weights(values)


def shape_of(s):
    if isinstance(s, list):
        s = s[0]
    return [None if d is None else int(d) for d in s]


def size(weights):
    return int(sum(int(np.prod(w.shape)) for w in weights))


def rows(model):
    """What model.summary() prints, one row per layer of model.layers (Keras 2 lists no InputLayer of a Sequential)."""
    out = []
    for layer in model.layers:
        try:
            shape = shape_of(layer.output_shape if hasattr(layer, "output_shape") else layer.output.shape)
        except Exception:
            shape = shape_of(layer.output.shape)
        total, trainable = size(layer.weights), size(layer.trainable_weights)
        row = {
            "name": layer.name, "class_name": layer.__class__.__name__, "output_shape": shape,
            "params": total, "trainable_params": trainable, "non_trainable_params": total - trainable,
        }
        # tf_keras's own graph of a Functional model: the layers each call of this model reads ("Connected to").
        if hasattr(model, "_network_nodes") and not isinstance(model, tf_keras.Sequential):
            row["inbound"] = [
                inbound.name
                for i, node in enumerate(layer._inbound_nodes) if f"{layer.name}_ib-{i}" in model._network_nodes
                for inbound, _, _, _ in node.iterate_inbound()]
        out.append(row)
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "keras", "naming": "variable.path"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def save_common(name, model, version, seed):
    total, trainable = size(model.weights), size(model.trainable_weights)
    summary = io.StringIO()
    with contextlib.redirect_stdout(summary):
        model.summary(line_length=120)
    expected = {
        "model": name, "keras_name": model.name, "keras_version": version, "class_name": model.__class__.__name__,
        "total_params": total, "trainable_params": trainable, "non_trainable_params": total - trainable,
        "layers": rows(model),
    }
    with open(os.path.join(OUT, f"{name}.expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
    with open(os.path.join(OUT, f"{name}.summary.txt"), "w") as f:
        f.write(summary.getvalue())
    rng = np.random.default_rng(1000 + seed)
    dims = [int(d) for d in model.inputs[0].shape[1:]]
    x = rng.uniform(-1, 1, [BATCH] + dims).astype(np.float32)
    y = np.asarray(model(x, training=False)).astype(np.float32)
    np.save(os.path.join(OUT, f"{name}.input.npy"), x)
    np.save(os.path.join(OUT, f"{name}.output.npy"), y)
    print(f"{name}: {len(expected['layers'])} rows, {total:,} params, output {y.shape}", file=sys.stderr)


def make_bad_inputs(out):
    """Hostile and odd HDF5 files under OUT/bad (errors.txt lists what netviz says of each), made from the good ones."""
    import h5py
    import shutil
    bad = os.path.join(out, "bad")
    os.makedirs(bad, exist_ok=True)
    good = os.path.join(out, "k2_sequential.h5")
    data = open(good, "rb").read()
    open(os.path.join(bad, "truncated.h5"), "wb").write(data[: len(data) // 3])
    open(os.path.join(bad, "empty.h5"), "wb").write(b"")
    rng = np.random.default_rng(7)
    open(os.path.join(bad, "garbage.h5"), "wb").write(b"\x89HDF\r\n\x1a\n" + rng.integers(0, 256, 2000, dtype=np.uint8).tobytes())
    with h5py.File(os.path.join(bad, "no-model-config.h5"), "w") as f:
        f["data"] = np.zeros(3, np.float32)
    with h5py.File(os.path.join(bad, "not-json-config.h5"), "w") as f:
        f.attrs["model_config"] = "this is not {json"
    with h5py.File(os.path.join(bad, "config-not-keras.h5"), "w") as f:
        f.attrs["model_config"] = '{"a": 1}'
    with h5py.File(os.path.join(bad, "config-not-text.h5"), "w") as f:
        f.attrs["model_config"] = np.arange(4, dtype=np.int32)
    tf_keras.backend.clear_session()
    model = k2_sequential()
    model.save_weights(os.path.join(bad, "weights-only.h5"))
    for name, edit in [
        ("wrong-weight-shape.h5", lambda f: (f["model_weights/dense/dense"].__delitem__("kernel:0"),
                                             f["model_weights/dense/dense"].create_dataset("kernel:0", data=np.zeros((3, 10), np.float32)))),
        ("missing-layer-weights.h5", lambda f: f["model_weights"].__delitem__("dense")),
        ("text-weight.h5", lambda f: (f["model_weights/conv/conv"].__delitem__("bias:0"),
                                      f["model_weights/conv/conv"].create_dataset("bias:0", data=np.array([b"abcdef"] * 6)))),
        ("extra-weight-name.h5", lambda f: f["model_weights/conv"].attrs.__setitem__(
            "weight_names", np.array([b"conv/kernel:0", b"conv/bias:0", b"conv/extra:0"]))),
        # Older Keras 2 wrote fixed-length byte strings: a good file, read the same.
        ("valid-fixed-strings.h5", lambda f: (f.attrs.__setitem__("model_config", np.bytes_(f.attrs["model_config"].encode())),
                                              f["model_weights/conv"].attrs.__setitem__(
                                                  "weight_names", np.array([b"conv/kernel:0", b"conv/bias:0"])))),
    ]:
        path = os.path.join(bad, name)
        shutil.copy(good, path)
        with h5py.File(path, "r+") as f:
            edit(f)


def main():
    os.makedirs(OUT, exist_ok=True)
    for seed, (name, build) in enumerate(K2_MODELS.items()):
        tf_keras.backend.clear_session()
        model = build()
        seeded_weights(model, seed)
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            f.write(model.to_json())
        model.save(os.path.join(OUT, f"{name}.h5"), include_optimizer=False)
        save_common(name, model, tf_keras.__version__, seed)
    for seed, (name, build) in enumerate(K3_MODELS.items(), start=100):
        keras.utils.clear_session()
        model = build()
        seeded_weights(model, seed)
        model.save(os.path.join(OUT, f"{name}.keras"))
        write_safetensors(os.path.join(OUT, f"{name}.safetensors"), {w.path: np.asarray(w) for w in model.weights})
        save_common(name, model, keras.__version__, seed)
    make_bad_inputs(OUT)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"tensorflow": tf.__version__, "tf_keras": tf_keras.__version__, "keras": keras.__version__,
                   "numpy": np.__version__, "batch": BATCH,
                   "keras2": list(K2_MODELS), "keras3": list(K3_MODELS)}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
