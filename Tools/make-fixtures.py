#!/usr/bin/env python3
"""Writes Tests/NetVizTests/Fixtures/tf: small Keras models run by TensorFlow, for netviz's executor tests.

Run inside a virtualenv with TensorFlow (CI never needs it; the outputs are committed):
    python3 -m venv /work/venv-tf5 && /work/venv-tf5/bin/pip install tensorflow-cpu numpy
    /work/venv-tf5/bin/python Tools/make-fixtures.py

For each case it writes Tests/NetVizTests/Fixtures/tf/<case>/:
  weights.safetensors   every weight as '<layer name>/<weight name>' (Keras 3's variable.path), F32 (F16 for
                        mobilenet_025_32, which also tests the F16 reader); absent when the case uses the seeded init
  inputs.safetensors    each model input, keyed by its input layer name
  expected.safetensors  Keras's output of the listed layers, keyed by layer name (model outputs + chosen intermediates)
and manifest.json (versions, cases, descriptions). mobilenet_025_32 also gets input.npy and output.npy (the CLI test).

Weights and inputs come from netviz's seeded init (Sources/NetViz/Executor/SeededInit.swift), reimplemented below in
NumPy, so the numbers are the same on both sides; the files still carry them so the readers are tested.
"""
import json
import os
import struct
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras
import tensorflow as tf
from keras import layers as L

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "NetVizTests", "Fixtures", "tf")
MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


# ---- netviz's seeded init (SeededInit.swift), bit for bit --------------------------------------------------------
def fnv1a64(text):
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & MASK
    return h


def uniforms(key, count, seed=0):
    start = np.uint64(seed ^ fnv1a64(key))
    i = np.arange(1, count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = start + i * np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(40)).astype(np.float32) * np.float32(2.0**-24)


def seeded_weight(layer, name, shape, seed=0):
    count = int(np.prod(shape)) if len(shape) else 1
    u = uniforms(f"{layer}/{name}", count, seed)
    kind = name.split("/")[-1]  # a nested model's weights are named 'inner layer/weight'
    if kind in ("kernel", "depthwise_kernel", "pointwise_kernel"):
        field = int(np.prod(shape[:-2])) if len(shape) >= 2 else 1
        fan_in = (shape[-2] if len(shape) >= 2 else shape[0]) * field
        fan_out = shape[-1] * field
        limit = np.float32(np.sqrt(6.0 / max(fan_in + fan_out, 1)))
        v = (np.float32(2) * u - np.float32(1)) * limit
    elif kind in ("gamma", "moving_variance", "variance"):
        v = np.float32(0.5) + u
    else:
        v = np.float32(0.1) * (np.float32(2) * u - np.float32(1))
    return v.astype(np.float32).reshape(shape)


def seeded_input(name, dims, seed=0):
    u = uniforms(f"input/{name}", int(np.prod(dims)), seed)
    return (np.float32(2) * u - np.float32(1)).reshape([1] + list(dims))


# ---- file formats -------------------------------------------------------------------------------------------
def write_safetensors(path, tensors, dtype="F32"):
    header, blobs, offset = {}, [], 0
    np_dtype = {"F32": "<f4", "F16": "<f2"}[dtype]
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype=np_dtype).tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "netviz", "naming": "<layer name>/<weight name>"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ---- models (each mirrored in TFModels, Tests/NetVizTests/Executor/TFFixtureTests.swift, or imported from its JSON) --
def inp(shape, name="input"):
    return keras.Input(shape=shape, name=name)


def single(name, shape, layer):
    x = inp(shape)
    return keras.Model(x, layer(x), name=name)


def case_activations():
    x = inp((3, 8))
    s = L.Rescaling(4.0, name="scale4")(x)  # inputs in [-4, 4)
    outs = [L.Activation(f, name=f"act_{f}")(s) for f in ACTIVATIONS]
    return keras.Model(x, outs, name="activations")


ACTIVATIONS = ["linear", "relu", "relu6", "sigmoid", "softmax", "silu", "swish", "gelu", "tanh", "elu", "selu",
               "softplus", "softsign", "exponential", "mish", "celu", "glu", "hard_silu", "hard_swish",
               "hard_sigmoid", "hard_tanh", "leaky_relu", "log_softmax", "log_sigmoid"]


def case_merges():
    x = inp((4, 5, 3))
    a = L.GlobalAveragePooling2D(keepdims=True, name="gap")(x)
    added = L.Add(name="add")([x, a])  # (4,5,3) + (1,1,3): broadcasting
    doubled = L.Rescaling(2.0, offset=-0.5, name="rescale")(x)
    mult = L.Multiply(name="multiply")([added, doubled, x])
    cat = L.Concatenate(name="concat_last")([mult, x])
    cat1 = L.Concatenate(axis=1, name="concat_rows")([cat, cat])
    return keras.Model(x, cat1, name="merges")


def case_shapes():
    x = inp((6, 5, 4))
    p = L.ZeroPadding2D(((1, 2), (0, 1)), name="pad")(x)
    c = L.Cropping2D(((2, 0), (1, 2)), name="crop")(p)
    pf = L.ZeroPadding2D(((1, 0), (2, 1)), data_format="channels_first", name="pad_cf")(c)
    cf = L.Cropping2D(((0, 1), (1, 0)), data_format="channels_first", name="crop_cf")(pf)
    r = L.Reshape((-1, 6), name="reshape")(cf)
    d = L.Dropout(0.5, name="dropout")(r)
    f = L.Flatten(name="flatten")(d)
    ff = L.Flatten(data_format="channels_first", name="flatten_cf")(cf)
    return keras.Model(x, [f, ff], name="shapes")


def case_two_block_mobilenet():
    x = inp((16, 16, 3))
    y = L.Conv2D(8, 3, strides=2, padding="same", use_bias=False, name="conv1")(x)
    y = L.BatchNormalization(name="conv1_bn")(y)
    y = L.ReLU(6.0, name="conv1_relu")(y)
    for i, (filters, stride) in enumerate([(16, 1), (32, 2)], start=1):
        if stride != 1:
            y = L.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{i}")(y)
        y = L.DepthwiseConv2D(3, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False,
                              name=f"conv_dw_{i}")(y)
        y = L.BatchNormalization(name=f"conv_dw_{i}_bn")(y)
        y = L.ReLU(6.0, name=f"conv_dw_{i}_relu")(y)
        y = L.Conv2D(filters, 1, padding="same", use_bias=False, name=f"conv_pw_{i}")(y)
        y = L.BatchNormalization(name=f"conv_pw_{i}_bn")(y)
        y = L.ReLU(6.0, name=f"conv_pw_{i}_relu")(y)
    y = L.GlobalAveragePooling2D(name="gap")(y)
    y = L.Dense(10, name="logits")(y)
    y = L.Activation("softmax", name="predictions")(y)
    return keras.Model(x, y, name="two_block_mobilenet")


def case_article():
    """The seed article's code, as written, at the smallest resolution where it runs (see RESOLUTION note)."""
    def block(x, filters, strides):
        x = L.DepthwiseConv2D(kernel_size=3, strides=strides, padding="same")(x)
        x = L.BatchNormalization()(x)
        x = L.ReLU()(x)
        x = L.Conv2D(filters=filters, kernel_size=1, strides=1)(x)
        x = L.BatchNormalization()(x)
        return L.ReLU()(x)

    x_in = L.Input(shape=(ARTICLE_RES, ARTICLE_RES, 3))
    x = L.Conv2D(filters=32, kernel_size=3, strides=2, padding="same")(x_in)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    for filters, strides in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
                             (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]:
        x = block(x, filters, strides)
    x = L.AvgPool2D(pool_size=7, strides=1, data_format="channels_first")(x)
    out = L.Dense(units=1000, activation="softmax")(x)
    return keras.Model(inputs=x_in, outputs=out)


# The article pools channels_first over (W, C) = (ceil(R/32), 1024) with a 7-wide window, so it needs
# ceil(R/32) >= 7: R >= 193. At 32x32 (the wish) Keras refuses to build it; 193 is the smallest that works.
ARTICLE_RES = 193

def case_imported_mix():
    """The kinds Keras import brings, run from the model's own JSON: Normalization (given and adapted),
    LayerNormalization, keras.ops nodes with constants on either side, a nested Sequential, a frozen layer."""
    x = inp((6, 6, 4))
    n = L.Normalization(mean=[0.1, -0.2, 0.3, 0.0], variance=[1.5, 0.5, 2.0, 1.0], name="norm_given")(x)
    n = L.Normalization(name="norm_adapted")(n)
    c = L.Conv2D(8, 3, padding="same", name="conv")(n)
    ln = L.LayerNormalization(epsilon=1e-3, name="ln")(c)
    a = keras.ops.add(ln, 3.0)
    s = keras.ops.subtract(3.0, a)
    d = keras.ops.divide(s, 2.0)
    m = keras.ops.multiply(d, ln)
    r = keras.ops.maximum(m, 0.0)
    block = keras.Sequential([keras.Input((6, 6, 8)), L.Conv2D(8, 1, name="inner_conv"),
                              L.BatchNormalization(name="inner_bn")], name="block")
    b = block(r)
    frozen = L.Dense(5, name="frozen_dense")
    frozen.trainable = False
    return keras.Model(x, frozen(b), name="imported_mix")


def case_text_lstm():
    x = keras.Input(shape=(7,), dtype="int32", name="tokens")
    e = L.Embedding(50, 8, name="embedding")(x)
    h = L.LSTM(6, name="lstm")(e)
    return keras.Model(x, L.Dense(3, activation="softmax", name="dense")(h), name="text_lstm")


def case_bigru():
    x = keras.Input(shape=(6,), dtype="int32", name="tokens")
    e = L.Embedding(40, 5, name="embedding")(x)
    s = L.Bidirectional(L.GRU(4, return_sequences=True), name="bigru")(e)
    p = L.GlobalMaxPooling1D(name="gmp")(s)
    return keras.Model(x, L.Dense(2, name="dense")(p), name="bigru")


def case_conv1d():
    x = keras.Input(shape=(12, 4), name="input")
    c = L.Conv1D(6, 3, padding="causal", dilation_rate=2, name="causal")(x)
    p = L.MaxPooling1D(2, name="maxpool")(c)
    c2 = L.Conv1D(5, 3, strides=2, padding="same", activation="relu", name="same")(p)
    a = L.AveragePooling1D(2, strides=1, padding="same", name="avgpool")(c2)
    g = L.GlobalAveragePooling1D(name="gap")(a)
    k = L.GlobalMaxPooling1D(keepdims=True, name="gmp_keep")(c)
    return keras.Model(x, [g, k], name="conv1d")


def case_rnns():
    x = keras.Input(shape=(5, 3), name="input")
    s = L.SimpleRNN(4, return_sequences=True, name="simple")(x)
    g = L.GRU(4, reset_after=False, go_backwards=True, return_sequences=True, name="gru_v1")(s)
    l = L.LSTM(3, go_backwards=True, return_sequences=True, name="lstm_back")(g)
    b = L.Bidirectional(L.LSTM(2), merge_mode="sum", name="bilstm")(l)
    return keras.Model(x, b, name="rnns")


def case_unet():
    x = keras.Input(shape=(8, 8, 3), name="input")
    d1 = L.Conv2D(4, 3, padding="same", name="down1")(x)
    d1 = L.LeakyReLU(negative_slope=0.2, name="leaky")(d1)
    p1 = L.MaxPooling2D(2, name="pool")(d1)
    m = L.Conv2D(6, 3, padding="same", name="mid")(p1)
    m = L.PReLU(shared_axes=[1, 2], name="prelu")(m)
    u1 = L.Conv2DTranspose(4, 3, strides=2, padding="same", name="up_same")(m)
    u2 = L.UpSampling2D(2, name="upsample")(m)
    u2 = L.Conv2D(4, 1, name="up_proj")(u2)
    v = L.Conv2DTranspose(3, (3, 2), strides=(2, 3), name="up_valid")(p1)
    v = L.Cropping2D(((0, 1), (0, 4)), name="crop_valid")(v)
    w = L.Conv2DTranspose(3, 4, strides=2, padding="same", output_padding=1, dilation_rate=1, name="up_outpad")(p1)
    w = L.Cropping2D(((0, 1), (0, 1)), name="crop_outpad")(w)
    merged = L.Concatenate(name="concat")([u1, u2, d1])
    diff = L.Subtract(name="subtract")([u1, u2])
    avg = L.Average(name="average")([u1, u2, diff])
    mx = L.Maximum(name="maximum")([avg, u1])
    mn = L.Minimum(name="minimum")([mx, u2])
    e = L.ELU(alpha=0.5, name="elu")(merged)
    e = L.GaussianNoise(0.1, name="noise")(e)
    e = L.SpatialDropout2D(0.2, name="sdrop")(e)
    e = L.RandomFlip(name="flip")(e)
    s = L.Softmax(name="softmax")(L.Conv2D(3, 1, name="head")(e))
    return keras.Model(x, [s, mn, v, w], name="unet")


def case_sequence_misc():
    x = keras.Input(shape=(6, 4), name="input")
    p = L.ZeroPadding1D((1, 2), name="pad1d")(x)
    c = L.Cropping1D((2, 1), name="crop1d")(p)
    u = L.UpSampling1D(2, name="up1d")(c)
    g = L.GroupNormalization(groups=2, name="groupnorm")(u)
    t = L.TimeDistributed(L.Dense(5, activation="relu"), name="td")(g)
    n = L.UnitNormalization(name="unitnorm")(t)
    q = L.Permute((2, 1), name="permute")(n)
    f = L.GlobalAveragePooling1D(name="gap")(q)
    r = L.RepeatVector(3, name="repeat")(f)
    return keras.Model(x, r, name="sequence_misc")


def case_transformer():
    x = keras.Input(shape=(6, 8), name="input")
    a = L.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(x, x)
    h = L.LayerNormalization(name="ln1")(L.Add(name="add1")([x, a]))
    f = L.Dense(16, activation="gelu", name="ff1")(h)
    f = L.Dense(8, name="ff2")(f)
    h = L.LayerNormalization(name="ln2")(L.Add(name="add2")([h, f]))
    c = L.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=5, output_shape=7, use_bias=False, name="mha_causal")(
        h, h, use_causal_mask=True)
    y = L.Dense(3, name="head")(L.GlobalAveragePooling1D(name="gap")(c))
    return keras.Model(x, y, name="transformer")


def case_video():
    x = keras.Input(shape=(4, 7, 6, 2), name="input")
    p = L.ZeroPadding3D(((0, 1), (1, 0), (1, 1)), name="pad3d")(x)
    c = L.Conv3D(4, (2, 3, 3), strides=(1, 2, 1), padding="same", activation="relu", name="conv3d")(p)
    v = L.Conv3D(3, 2, dilation_rate=(1, 2, 1), name="conv3d_dilated")(c)
    m = L.MaxPooling3D((1, 2, 2), padding="same", name="maxpool3d")(c)
    a = L.AveragePooling3D(2, strides=1, padding="same", name="avgpool3d")(m)
    u = L.UpSampling3D((2, 1, 2), name="up3d")(a)
    k = L.Cropping3D(((1, 0), (0, 1), (1, 1)), name="crop3d")(u)
    g = L.GlobalAveragePooling3D(name="gap3d")(k)
    h = L.GlobalMaxPooling3D(keepdims=True, name="gmp3d")(v)
    return keras.Model(x, [g, h], name="video")


def case_ops():
    from keras import ops
    x = keras.Input(shape=(4, 6), name="input")
    t = ops.tanh(x)
    m = ops.mean(t, axis=1, keepdims=True)
    d = L.Dense(6, name="dense")(x)
    r = ops.relu(d - m)
    mask = ops.cast(ops.any(ops.not_equal(x, 0.0), axis=-1), "float32")
    sq = ops.sqrt(ops.abs(r) + 1.0)
    tr = ops.transpose(sq, (0, 2, 1))
    rs = ops.reshape(tr, (-1, 24))
    ex = ops.expand_dims(rs, 1)
    sm = ops.softmax(ops.squeeze(ex, 1))
    total = ops.sum(r, axis=(1, 2))
    return keras.Model(x, [sm, mask, total, ops.max(sq, axis=-1)], name="ops")


def case_siamese():
    inp = keras.Input((6,), name="e_in")
    encoder = keras.Model(inp, L.Dense(4, activation="relu", name="e_dense")(inp), name="encoder")
    a, b = keras.Input((6,), name="a"), keras.Input((6,), name="b")
    ea, eb = encoder(a), encoder(b)
    shared = L.Dense(3, activation="tanh", name="shared")
    sa, sb = shared(ea), shared(eb)
    again = shared(L.Dense(4, name="back")(sa))
    diff = L.Subtract(name="diff")([sa, sb])
    return keras.Model([a, b], [diff, again, eb], name="siamese")


def case_preprocessing():
    img = keras.Input(shape=(12, 16, 3), name="image")
    ids = keras.Input(shape=(5,), dtype="int32", name="ids")
    values = keras.Input(shape=(4,), name="values")
    bilinear = L.Resizing(9, 20, name="resize_bilinear")(img)
    nearest = L.Resizing(7, 5, interpolation="nearest", name="resize_nearest")(img)
    crop_aspect = L.Resizing(6, 6, crop_to_aspect_ratio=True, name="resize_crop")(img)
    pad_aspect = L.Resizing(10, 5, pad_to_aspect_ratio=True, fill_value=0.25, name="resize_pad")(img)
    center = L.CenterCrop(8, 10, name="center_crop")(img)
    center_up = L.CenterCrop(14, 14, name="center_crop_up")(img)
    contrast = L.AutoContrast(value_range=(-1, 1), name="auto_contrast")(img)
    augmented = img
    for cls in (L.RandomGrayscale, L.RandomHue, L.RandomSaturation, L.RandomSharpness, L.RandomColorDegeneration,
                L.RandomInvert, L.RandomShear, L.RandomPerspective, L.RandomErasing, L.RandomGaussianBlur,
                L.RandomElasticTransform, L.RandomColorJitter, L.RandomPosterization, L.Solarization, L.AugMix,
                L.RandAugment, L.CutMix, L.MixUp, L.MaxNumBoundingBoxes):
        kwargs = {"factor": 0.5} if cls in (L.RandomHue, L.RandomSaturation, L.RandomSharpness,
                                            L.RandomColorDegeneration, L.RandomGrayscale) else {}
        if cls is L.RandomPosterization:
            kwargs = {"factor": 4, "value_range": (-1, 1)}
        if cls is L.MaxNumBoundingBoxes:
            kwargs = {"max_number": 3}
        if cls is L.RandomShear:
            kwargs = {"x_factor": 0.2}
        augmented = cls(name=f"aug_{cls.__name__.lower()}", **kwargs)(augmented)
    onehot = L.CategoryEncoding(8, output_mode="one_hot", name="one_hot")(L.Reshape((5, 1), name="ids_column")(ids))
    multihot = L.CategoryEncoding(8, output_mode="multi_hot", name="multi_hot")(ids)
    count = L.CategoryEncoding(8, output_mode="count", name="count")(ids)
    lookup = L.IntegerLookup(vocabulary=[5, 3, 1, 7], name="lookup")(ids)
    lookup_mask = L.IntegerLookup(vocabulary=[5, 3, 1], mask_token=0, num_oov_indices=2, output_mode="count",
                                  name="lookup_count")(ids)
    inverse = L.IntegerLookup(vocabulary=[5, 3, 1, 7], invert=True, name="lookup_invert")(ids)
    buckets = L.Discretization(bin_boundaries=[-0.5, 0.0, 0.5], name="buckets")(values)
    bucket_hot = L.Discretization(bin_boundaries=[-0.25, 0.25], output_mode="multi_hot", name="bucket_hot")(values)
    piped = L.Pipeline([L.Rescaling(0.5, offset=0.25), L.Resizing(6, 8, interpolation="nearest"), L.CenterCrop(4, 4)],
                       name="pipeline")(img)
    # Hashing of numbers: their decimal text through FarmHash64, short (ids) to 20 characters (values x 1e18).
    hashes = [L.Hashing(7, name="hash_ids")(ids),
              L.Hashing(5, mask_value=3, output_mode="multi_hot", name="hash_masked")(ids)]
    for scale, bins in ((1e6, 11), (1e15, 13), (1e18, 17)):
        scaled = L.Rescaling(scale, name=f"scale_{int(np.log10(scale))}")(values)
        hashes.append(L.Hashing(bins, name=f"hash_1e{int(np.log10(scale))}")(scaled))
    sliced = img[:, 2:9:3, ::-1, 1]
    picked = values[..., None, -2:]
    return keras.Model([img, ids, values], [bilinear, nearest, crop_aspect, pad_aspect, center, center_up, contrast,
                                            augmented, onehot, multihot, count, lookup, lookup_mask, inverse, buckets,
                                            bucket_hot, sliced, picked, piped] + hashes,
                       name="preprocessing")


def case_identities():
    x = keras.Input(shape=(6, 8, 3), name="image")
    y = x
    for layer in (L.Identity(name="identity"), L.ActivityRegularization(l1=0.1, name="activity"),
                  L.AlphaDropout(0.2, name="alpha_dropout"), L.GaussianDropout(0.2, name="gaussian_dropout"),
                  L.RandomBrightness(0.3, name="brightness"), L.RandomContrast(0.3, name="contrast"),
                  L.RandomRotation(0.2, name="rotation"), L.RandomTranslation(0.1, 0.1, name="translation"),
                  L.RandomZoom(0.2, name="zoom")):
        y = layer(y)
    seq = L.SpatialDropout1D(0.3, name="spatial_dropout1d")(L.Reshape((48, 3), name="steps")(y))
    vol = L.SpatialDropout3D(0.3, name="spatial_dropout3d")(L.Reshape((2, 3, 8, 3), name="volume")(y))
    return keras.Model(x, [seq, vol], name="identities")


def case_audio():
    wave = keras.Input(shape=(600,), name="wave")
    stereo = keras.Input(shape=(300, 2), name="stereo")
    mel = L.MelSpectrogram(fft_length=64, sequence_stride=32, sequence_length=48, num_mel_bins=12, sampling_rate=8000,
                           name="mel")(wave)
    mel_raw = L.MelSpectrogram(fft_length=32, sequence_stride=16, num_mel_bins=6, sampling_rate=4000, power_to_db=False,
                               mag_exp=1.0, window="hamming", name="mel_raw")(wave)
    outputs = [mel, mel_raw]
    for mode, padding, expand in (("log", "valid", False), ("magnitude", "same", False), ("psd", "valid", True),
                                  ("real", "same", False), ("imag", "valid", False), ("angle", "valid", False),
                                  ("stft", "same", True)):
        outputs.append(L.STFTSpectrogram(mode=mode, frame_length=24, frame_step=10, fft_length=32, padding=padding,
                                         expand_dims=expand, name=f"stft_{mode}")(stereo))
    return keras.Model([wave, stereo], outputs, name="audio")

# ---- issue 11: convolution variants, adaptive pooling, attention, EinsumDense, normalizations ----------------
def case_conv_variants():
    x = keras.Input(shape=(9, 4), name="input")
    t = L.Conv1DTranspose(5, 3, strides=2, padding="same", activation="relu", name="tconv1d")(x)
    v = L.Conv1DTranspose(3, 4, strides=3, output_padding=1, name="tconv1d_outpad")(x)
    d = L.DepthwiseConv1D(3, strides=2, padding="same", depth_multiplier=2, name="dwconv1d")(x)
    s = L.SeparableConv1D(6, 3, dilation_rate=2, depth_multiplier=2, activation="tanh", name="sepconv1d")(x)
    c = L.DepthwiseConv1D(2, use_bias=False, data_format="channels_first", name="dwconv1d_cf")(x)
    y = keras.Input(shape=(3, 4, 3, 2), name="volume")
    u = L.Conv3DTranspose(3, (2, 3, 2), strides=(2, 1, 2), padding="same", name="tconv3d")(y)
    w = L.Conv3DTranspose(2, 2, strides=2, output_padding=(1, 0, 1), use_bias=False, name="tconv3d_outpad")(y)
    return keras.Model([x, y], [t, v, d, s, c, u, w], name="conv_variants")


def case_adaptive_pooling():
    x = keras.Input(shape=(10, 3), name="seq")
    a1 = L.AdaptiveAveragePooling1D(4, name="aap1d")(x)
    m1 = L.AdaptiveMaxPooling1D(7, name="amp1d")(x)
    u1 = L.AdaptiveAveragePooling1D(13, name="aap1d_up")(x)
    y = keras.Input(shape=(7, 9, 2), name="image")
    a2 = L.AdaptiveAveragePooling2D((3, 4), name="aap2d")(y)
    m2 = L.AdaptiveMaxPooling2D(5, name="amp2d")(y)
    c2 = L.AdaptiveAveragePooling2D((2, 3), data_format="channels_first", name="aap2d_cf")(y)
    z = keras.Input(shape=(5, 6, 4, 2), name="volume")
    a3 = L.AdaptiveAveragePooling3D((2, 4, 3), name="aap3d")(z)
    m3 = L.AdaptiveMaxPooling3D((3, 2, 4), data_format="channels_first", name="amp3d_cf")(z)
    return keras.Model([x, y, z], [a1, m1, u1, a2, m2, c2, a3, m3], name="adaptive_pooling")


def case_dot_einsum():
    x = keras.Input(shape=(4, 6), name="x")
    y = keras.Input(shape=(5, 6), name="y")
    d = L.Dot(axes=2, name="dot")([x, y])
    n = L.Dot(axes=(1, 1), normalize=True, name="dot_normalized")([x, L.Dense(3, name="proj")(x)])
    v = L.Dot(axes=1, name="dot_vectors")([L.GlobalAveragePooling1D(name="gx")(x), L.GlobalMaxPooling1D(name="gy")(y)])
    e1 = L.EinsumDense("abc,cd->abd", output_shape=(4, 7), bias_axes="d", activation="relu", name="einsum_dense")(x)
    e2 = L.EinsumDense("...b,bc->...c", output_shape=5, name="einsum_left")(y)
    e3 = L.EinsumDense("abc,cde->abde", output_shape=(4, 3, 2), bias_axes="de", name="einsum_heads")(x)
    e4 = L.EinsumDense("ab...,bc->ac...", output_shape=(7,), bias_axes="c", name="einsum_right")(x)
    e5 = L.EinsumDense("abc,cd->ad", output_shape=(5,), bias_axes="d", name="einsum_sum")(x)
    return keras.Model([x, y], [d, n, v, e1, e2, e3, e4, e5], name="dot_einsum")


def case_attention():
    q = keras.Input(shape=(5, 6), name="query")
    k = keras.Input(shape=(7, 6), name="key")
    v = keras.Input(shape=(7, 4), name="value")
    a1 = L.Attention(use_scale=True, name="luong")([q, k])
    a2 = L.Attention(use_scale=True, score_mode="concat", name="luong_concat")([q, v, k])
    a3 = L.Attention(dropout=0.3, name="luong_causal")([q, q], use_causal_mask=True)
    b1 = L.AdditiveAttention(name="bahdanau")([q, v, k])
    b2 = L.AdditiveAttention(use_scale=False, name="bahdanau_causal")([q, q], use_causal_mask=True)
    g1 = L.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2, name="gqa")(q, k)
    g2 = L.GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=1, use_bias=False, use_gate=True,
                               name="gqa_gate_causal")(q, q, use_causal_mask=True)
    g3 = L.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=2, sliding_window=2,
                               name="gqa_window")(q, k, v)
    return keras.Model([q, k, v], [a1, a2, a3, b1, b2, g1, g2, g3], name="attention")


def case_normalizations():
    x = keras.Input(shape=(6, 8), name="input")
    tokens = keras.Input(shape=(5,), dtype="int32", name="tokens")
    r = L.RMSNormalization(name="rms")(x)
    r2 = L.RMSNormalization(axis=[-2, -1], epsilon=1e-3, name="rms_2axes")(x)
    s = L.SpectralNormalization(L.Dense(5, activation="relu", name="inner_dense"), name="spectral_dense")(r)
    c = L.SpectralNormalization(L.Conv1D(4, 3, name="inner_conv"), power_iterations=2, name="spectral_conv")(r2)
    e = L.ReversibleEmbedding(20, 8, tie_weights=False, name="rev_untied")(tokens)
    t = L.ReversibleEmbedding(20, 6, name="rev_tied")(tokens)
    return keras.Model([x, tokens], [s, c, L.RMSNormalization(name="rms_tokens")(e), t], name="normalizations")

def case_states():
    """Layers with several outputs: RNN states (return_state), Bidirectional states, attention scores, read by later
    layers and as model outputs."""
    x = keras.Input(shape=(6, 3), name="input")
    seq, h, c = L.LSTM(4, return_sequences=True, return_state=True, name="lstm")(x)
    g, gh = L.GRU(3, return_state=True, name="gru")(seq)
    s, sh = L.SimpleRNN(2, return_state=True, go_backwards=True, name="simple")(x)
    d = L.Dense(3, name="from_c")(c)
    cat = L.Concatenate(name="concat")([gh, d, sh])
    b = L.Bidirectional(L.LSTM(2, return_state=True), name="bilstm")(x)
    q = keras.Input(shape=(4, 5), name="query")
    a, scores = L.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")(q, x, return_attention_scores=True)
    f = L.Flatten(name="flat_scores")(scores)
    return keras.Model([x, q], [cat, h, b[4], b[0], a, f, scores], name="states")


def case_rnn_cells():
    x = keras.Input(shape=(5, 3), name="input")
    a = L.RNN(L.LSTMCell(4), return_sequences=True, name="rnn_lstm")(x)
    b = L.RNN(L.GRUCell(3, reset_after=False), go_backwards=True, name="rnn_gru")(a)
    c, h1, c1, h2 = keras.tree.flatten(L.RNN([L.SimpleRNNCell(3, name="cell_a"), L.LSTMCell(2, name="cell_b")],
                                             return_sequences=True, return_state=True, go_backwards=True,
                                             name="rnn_stack")(x))
    d = L.RNN(L.StackedRNNCells([L.GRUCell(2, name="g1"), L.GRUCell(3, name="g2")]), name="rnn_stacked_cells")(c)
    return keras.Model(x, [b, c, c1, h2, d], name="rnn_cells")


def case_masking():
    """Masks from Masking and Embedding(mask_zero=True) reaching recurrent layers, through a Dense."""
    x = keras.Input(shape=(6, 3), name="input")
    m = L.Masking(mask_value=0.0, name="masking")(x)
    l = L.LSTM(4, return_sequences=True, name="lstm")(m)
    d = L.Dense(4, activation="tanh", name="dense")(l)
    g = L.GRU(3, name="gru")(d)
    s = L.SimpleRNN(2, return_sequences=True, go_backwards=True, name="simple_back")(m)
    r = keras.tree.flatten(L.RNN(L.LSTMCell(2), go_backwards=True, return_state=True, name="rnn_cell")(m))
    t = keras.Input(shape=(7,), dtype="int32", name="tokens")
    e = L.Embedding(20, 4, mask_zero=True, name="embedding")(t)
    bi = L.Bidirectional(L.LSTM(2, return_sequences=True), name="bilstm")(e)
    bs = L.Bidirectional(L.GRU(2), merge_mode="sum", name="bigru")(bi)
    return keras.Model([x, t], [g, s, r[0], r[2], bi, bs, m], name="masking")


def case_conv_lstm():
    x1 = keras.Input(shape=(3, 7, 2), name="seq1d")
    a = L.ConvLSTM1D(3, 3, strides=2, padding="same", return_sequences=True, name="convlstm1d")(x1)
    b = L.ConvLSTM1D(2, 2, dilation_rate=2, go_backwards=True, name="convlstm1d_back")(a)
    x2 = keras.Input(shape=(3, 6, 5, 2), name="frames")
    c, h, cs = L.ConvLSTM2D(3, (3, 2), padding="valid", return_state=True, name="convlstm2d")(x2)
    d = L.ConvLSTM2D(2, 3, padding="same", use_bias=False, return_sequences=True, name="convlstm2d_same")(x2)
    x3 = keras.Input(shape=(2, 4, 4, 3, 1), name="volumes")
    e = L.ConvLSTM3D(2, 2, strides=(1, 2, 1), padding="same", name="convlstm3d")(x3)
    return keras.Model([x1, x2, x3], [b, c, cs, d, e], name="conv_lstm")


# Inputs some cases need beyond the seeded values: masked steps (all features equal to mask_value), padding ids.
FEEDS = {
    "imported_masking": {"input": lambda v: _zero_steps(v, [1, 4]), "tokens": lambda v: _zero_steps(v, [2, 5, 6])},
}


def _zero_steps(v, steps):
    v = v.copy()
    v[:, steps] = 0
    return v


def set_seeded_weights(layer, dtype, owner=None, inner=""):
    """Gives `layer` netviz's seeded values and returns them under netviz's names: '<layer>/<weight>', or for a
    layer inside a nested model '<model>/<inner layer>/<weight>' (seeded as layer '<model>', weight '<inner>/<weight>')."""
    owner = owner or layer.name
    if isinstance(layer, L.MultiHeadAttention):
        # netviz names the four projections' weights query/..., key/..., value/..., attention_output/...
        out = {}
        for part, sub in (("query", layer._query_dense), ("key", layer._key_dense), ("value", layer._value_dense),
                          ("attention_output", layer._output_dense)):
            values = [seeded_weight(owner, f"{inner}{part}/{w.name}", list(w.shape)) for w in sub.weights]
            sub.set_weights(values)
            out.update({f"{owner}/{inner}{part}/{w.name}": v for w, v in zip(sub.weights, values)})
        return out
    if isinstance(layer, L.GroupQueryAttention):
        # netviz names the sublayers' weights query/..., key/..., gate/..., value/..., attention_output/...
        out = {}
        parts = [("query", layer._query_dense), ("key", layer._key_dense)]
        parts += [("gate", layer._gate_dense)] if layer.use_gate else []
        parts += [("value", layer._value_dense), ("attention_output", layer._output_dense)]
        for part, sub in parts:
            values = [seeded_weight(owner, f"{inner}{part}/{w.name}", list(w.shape)) for w in sub.weights]
            sub.set_weights(values)
            out.update({f"{owner}/{inner}{part}/{w.name}": v for w, v in zip(sub.weights, values)})
        return out
    if isinstance(layer, L.SpectralNormalization):
        # netviz names the wrapped layer's weights '<inner layer>/<weight>', as Keras's variable.path does
        names = [w.path.split("/", 1)[1] for w in layer.weights]
        values = [seeded_weight(owner, f"{inner}{n}", list(w.shape)) for n, w in zip(names, layer.weights)]
        layer.set_weights(values)
        return {f"{owner}/{inner}{n}": v for n, v in zip(names, values)}
    if isinstance(layer, L.Bidirectional):
        # netviz names the two directions' weights forward/... and backward/...
        out = {}
        for part, sub in (("forward", layer.forward_layer), ("backward", layer.backward_layer)):
            values = [seeded_weight(owner, f"{inner}{part}/{w.name}", list(w.shape)) for w in sub.weights]
            sub.set_weights(values)
            out.update({f"{owner}/{inner}{part}/{w.name}": v for w, v in zip(sub.weights, values)})
        return out
    if isinstance(layer, L.RNN) and isinstance(layer.cell, L.StackedRNNCells):
        # netviz names stacked cells' weights '<cell name>/kernel', ...
        out = {}
        for cell in layer.cell.cells:
            values = [seeded_weight(owner, f"{inner}{cell.name}/{w.name}", list(w.shape)) for w in cell.weights]
            cell.set_weights(values)
            out.update({f"{owner}/{inner}{cell.name}/{w.name}": v for w, v in zip(cell.weights, values)})
        return out
    if isinstance(layer, keras.Model):
        out = {}
        for sub in layer.layers:
            out.update(set_seeded_weights(sub, dtype, owner, f"{inner}{sub.name}/"))
        return out
    values, out = [], {}
    for w in layer.weights:
        v = seeded_weight(owner, inner + w.name, list(w.shape))
        if dtype == "F16":
            v = v.astype(np.float16).astype(np.float32)  # what the F16 file holds, exactly
        values.append(v)
        out[f"{owner}/{inner}{w.name}"] = v
    if values:
        layer.set_weights(values)
        if isinstance(layer, L.Normalization) and layer.input_mean is None:
            layer.finalize_state()  # an adapted Normalization reads its mean/variance weights after this
    return out


# name -> (builder, extra layers to record besides the outputs, weight dtype or None for seeded-only, description)
CASES = {
    "conv2d_same_stride2": (lambda: single("m", (9, 9, 4), L.Conv2D(5, 3, strides=2, padding="same", name="conv")),
                            [], "F32", "Conv2D 3x3 stride 2 'same' on an odd size (asymmetric padding), bias"),
    "conv2d_same_even": (lambda: single("m", (8, 8, 3), L.Conv2D(4, (3, 2), strides=2, padding="same", use_bias=False,
                                                                  activation="relu", name="conv")),
                         [], "F32", "Conv2D 3x2 stride 2 'same' on an even size, relu, no bias"),
    "conv2d_dilated": (lambda: single("m", (9, 10, 3), L.Conv2D(4, 3, dilation_rate=2, padding="same", name="conv")),
                       [], "F32", "Conv2D 3x3 dilation 2 'same'"),
    "conv2d_valid_dilated": (lambda: single("m", (9, 9, 3), L.Conv2D(4, 3, dilation_rate=(2, 1), name="conv")),
                             [], "F32", "Conv2D 3x3 dilation (2, 1) 'valid'"),
    "conv2d_groups": (lambda: single("m", (7, 7, 6), L.Conv2D(4, 3, groups=2, padding="same", name="conv")),
                      [], "F32", "Conv2D groups=2"),
    "conv2d_channels_first": (lambda: single("m", (3, 8, 7), L.Conv2D(4, 3, strides=2, padding="same",
                                                                      data_format="channels_first", name="conv")),
                              [], "F32", "Conv2D data_format='channels_first'"),
    "depthwise": (lambda: single("m", (9, 9, 3), L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2,
                                                                   activation="relu6", name="dw")),
                  [], "F32", "DepthwiseConv2D stride 2 'same', depth_multiplier 2, bias, relu6"),
    "depthwise_valid": (lambda: single("m", (8, 8, 4), L.DepthwiseConv2D((3, 2), dilation_rate=2, use_bias=False,
                                                                         name="dw")),
                        [], "F32", "DepthwiseConv2D 3x2 dilation 2 'valid'"),
    "separable": (lambda: single("m", (8, 8, 3), L.SeparableConv2D(6, 3, padding="same", depth_multiplier=2,
                                                                   activation="tanh", name="sep")),
                  [], "F32", "SeparableConv2D depth_multiplier 2, bias, tanh"),
    "dense_rank4": (lambda: single("m", (3, 2, 4), L.Dense(5, activation="sigmoid", name="dense")),
                    [], "F32", "Dense on a rank-4 input (per position)"),
    "dense_rank2": (lambda: single("m", (12,), L.Dense(7, use_bias=False, activation="softmax", name="dense")),
                    [], "F32", "Dense on a rank-2 input, softmax"),
    "batchnorm": (lambda: single("m", (5, 5, 4), L.BatchNormalization(epsilon=1e-2, name="bn")),
                  [], "F32", "BatchNormalization (inference) with non-trivial statistics"),
    "batchnorm_axis1": (lambda: single("m", (4, 5, 3), L.BatchNormalization(axis=1, center=False, name="bn")),
                        [], "F32", "BatchNormalization axis=1, no beta"),
    "relu_layer": (lambda: single("m", (4, 6), L.ReLU(max_value=0.6, negative_slope=0.1, threshold=0.2, name="relu")),
                   [], "F32", "ReLU with max_value, negative_slope and threshold"),
    "activations": (case_activations, [], "F32", "every keras.activations function netviz names"),
    "pool_max_same": (lambda: single("m", (9, 8, 3), L.MaxPooling2D(3, strides=2, padding="same", name="pool")),
                      [], "F32", "MaxPooling2D 3x3 stride 2 'same'"),
    "pool_avg_same": (lambda: single("m", (9, 8, 3), L.AveragePooling2D(3, strides=2, padding="same", name="pool")),
                      [], "F32", "AveragePooling2D 'same' (padding excluded from the mean)"),
    "pool_avg_valid": (lambda: single("m", (7, 6, 2), L.AveragePooling2D(2, name="pool")),
                       [], "F32", "AveragePooling2D 2x2 'valid'"),
    "pool_channels_first_on_nhwc": (lambda: single("m", (5, 9, 8), L.AveragePooling2D(3, strides=1,
                                                                                     data_format="channels_first",
                                                                                     name="pool")),
                                    [], "F32", "the article's bug: channels_first AvgPool on NHWC data"),
    "pool_max_channels_first": (lambda: single("m", (3, 6, 6), L.MaxPooling2D(2, data_format="channels_first",
                                                                             name="pool")),
                                [], "F32", "MaxPooling2D channels_first"),
    "global_pooling": (lambda: (lambda x: keras.Model(x, [L.GlobalAveragePooling2D(name="gap")(x),
                                                          L.GlobalMaxPooling2D(keepdims=True, name="gmp")(x),
                                                          L.GlobalAveragePooling2D(data_format="channels_first",
                                                                                   keepdims=True, name="gap_cf")(x)],
                                                       name="m"))(inp((4, 5, 3))),
                       [], "F32", "GlobalAverage/MaxPooling2D, keepdims, channels_first"),
    "merges": (case_merges, ["add", "multiply", "concat_last"], "F32", "Add (broadcast), Multiply, Concatenate, Rescaling"),
    "shapes": (case_shapes, ["pad", "crop", "pad_cf", "crop_cf", "reshape"], "F32",
               "ZeroPadding2D, Cropping2D (both formats), Reshape(-1), Dropout, Flatten (both formats)"),
    "two_block_mobilenet": (case_two_block_mobilenet, ["conv1_relu", "conv_pw_1_relu", "conv_pw_2_relu", "logits"],
                            "F32", "MobileNet stem + 2 depthwise-separable blocks + GAP + Dense"),
    "mobilenet_025_32": (lambda: keras.applications.MobileNet(alpha=0.25, input_shape=(32, 32, 3), weights=None),
                         ["conv1_relu", "conv_pw_6_relu", "conv_pw_13_relu", "conv_preds"], "F16",
                         "keras.applications.MobileNet(alpha=0.25, input_shape=(32, 32, 3), weights=None)"),
    "imported_mix": (case_imported_mix, ["conv", "ln", "block"], None,
                     "imported from its own model.json: Normalization, LayerNormalization, keras.ops with constants, "
                     "a nested Sequential, a frozen Dense"),
    "imported_text_lstm": (case_text_lstm, ["embedding", "lstm"], "F32", "Embedding + LSTM + Dense (a text classifier)"),
    "imported_bigru": (case_bigru, ["embedding", "bigru"], "F32",
                       "Embedding + Bidirectional(GRU, return_sequences) + GlobalMaxPooling1D + Dense"),
    "imported_conv1d": (case_conv1d, ["causal", "maxpool", "same", "avgpool"], "F32",
                        "Conv1D causal dilated and same strided, Max/AveragePooling1D, GlobalAverage/MaxPooling1D"),
    "imported_rnns": (case_rnns, ["simple", "gru_v1", "lstm_back"], "F32",
                      "SimpleRNN, GRU reset_after=False go_backwards, LSTM go_backwards, Bidirectional(LSTM) sum"),
    "imported_unet": (case_unet, ["leaky", "prelu", "up_same", "upsample", "up_valid", "up_outpad", "subtract", "average",
                                  "elu"], "F32",
                      "a small U-Net: Conv2DTranspose (same, valid, output_padding), UpSampling2D, LeakyReLU, PReLU, ELU, "
                      "Softmax, Subtract, Average, Maximum, Minimum, GaussianNoise, SpatialDropout2D, RandomFlip"),
    "imported_sequence_misc": (case_sequence_misc, ["pad1d", "crop1d", "up1d", "groupnorm", "td", "unitnorm", "permute"],
                               "F32", "ZeroPadding1D, Cropping1D, UpSampling1D, GroupNormalization, TimeDistributed(Dense), "
                               "UnitNormalization, Permute, RepeatVector"),
    "imported_transformer": (case_transformer, ["mha", "ln1", "ln2", "mha_causal"], "F32",
                             "a transformer encoder block: MultiHeadAttention (self), residuals, LayerNormalization, a "
                             "feed-forward; then a causal MultiHeadAttention with value_dim, output_shape, no bias"),
    "imported_video": (case_video, ["pad3d", "conv3d", "conv3d_dilated", "maxpool3d", "avgpool3d", "up3d", "crop3d"], "F32",
                       "Conv3D (same strided, dilated), Max/AveragePooling3D, GlobalAverage/MaxPooling3D, UpSampling3D, "
                       "ZeroPadding3D, Cropping3D"),
    "imported_ops": (case_ops, ["dense"], "F32",
                     "keras.ops nodes: tanh, mean, relu, not_equal, any, cast, sqrt, abs, transpose, reshape, expand_dims, "
                     "squeeze, softmax, sum, max, with constants"),
    "imported_siamese": (case_siamese, [], "F32",
                         "a siamese model: a Functional encoder called on two inputs, a Dense called three times (once on "
                         "its own output's path), outputs from later calls"),
    "imported_preprocessing": (case_preprocessing, [], "F32",
                               "preprocessing at inference: Resizing (bilinear, nearest, crop/pad to aspect ratio), "
                               "CenterCrop (smaller and larger), AutoContrast, 19 augmentation layers (the identity), "
                               "CategoryEncoding (one_hot, multi_hot, count), IntegerLookup (int, mask + 2 OOV count, "
                               "invert), Discretization (int, multi_hot), keras.ops GetItem (strided, reversed, Ellipsis, None), a Pipeline, Hashing of numbers (FarmHash64)"),
    "imported_identities": (case_identities, ["identity", "activity", "alpha_dropout", "gaussian_dropout", "brightness",
                                              "contrast", "rotation", "translation", "zoom"], "F32",
                            "the layers that are the identity at inference: Identity, ActivityRegularization, "
                            "AlphaDropout, GaussianDropout, SpatialDropout1D/3D, RandomBrightness, RandomContrast, "
                            "RandomRotation, RandomTranslation, RandomZoom"),
    "imported_audio": (case_audio, [], "F32",
                       "MelSpectrogram (dB and raw magnitude, Hann and Hamming) and STFTSpectrogram in all seven modes "
                       "(valid and same padding, expand_dims) with seeded kernels"),

    "imported_conv_variants": (case_conv_variants, [], "F32",
                               "Conv1DTranspose (same strided, output_padding), DepthwiseConv1D (both formats), "
                               "SeparableConv1D dilated, Conv3DTranspose (same strided, output_padding)"),
    "imported_adaptive_pooling": (case_adaptive_pooling, [], "F32",
                                  "AdaptiveAverage/MaxPooling1D/2D/3D: bins of two sizes, more outputs than inputs, "
                                  "channels_first"),
    "imported_dot_einsum": (case_dot_einsum, [], "F32",
                            "Dot (axes int and pair, normalize, rank-2 inputs), EinsumDense (plain, left and right "
                            "ellipsis, multi-axis kernel and bias, a summed input axis, activation)"),
    "imported_attention": (case_attention, [], "F32",
                           "Attention (dot with scale, concat, causal with dropout), AdditiveAttention (with and without "
                           "scale, causal), GroupQueryAttention (grouped heads, gate + causal without bias, sliding "
                           "window with a key)"),
    "imported_normalizations": (case_normalizations, [], "F32",
                                "RMSNormalization (last axis, two axes), SpectralNormalization around Dense and Conv1D "
                                "(inference: the stored kernel), ReversibleEmbedding tied and untied (forward calls)"),
    "imported_states": (case_states, ["lstm", "gru", "simple", "bilstm"], "F32",
                        "layers with several outputs: LSTM/GRU/SimpleRNN return_state, Bidirectional(LSTM) states, "
                        "MultiHeadAttention return_attention_scores, states read by later layers and as model outputs"),
    "imported_rnn_cells": (case_rnn_cells, ["rnn_lstm"], "F32",
                           "keras.layers.RNN around LSTMCell, GRUCell(reset_after=False) go_backwards, a list of cells "
                           "(return_sequences, return_state, go_backwards) and StackedRNNCells"),
    "imported_conv_lstm": (case_conv_lstm, ["convlstm1d"], "F32",
                           "ConvLSTM1D (same strided, dilated go_backwards), ConvLSTM2D (valid with return_state, same "
                           "without bias, sequences), ConvLSTM3D (same strided)"),
    "imported_masking": (case_masking, ["lstm", "dense"], "F32",
                         "masks: Masking -> LSTM -> Dense -> GRU, Masking -> SimpleRNN go_backwards and RNN(LSTMCell) "
                         "with states, Embedding(mask_zero=True) -> Bidirectional(LSTM) sequences -> Bidirectional(GRU)"),
    "article_193": (case_article, ["re_lu_26"], None,
                    f"the seed article's code as written at {ARTICLE_RES}x{ARTICLE_RES} (the smallest size its "
                    "channels_first AvgPool2D(7) accepts); seeded weights, no weights file"),
}


def shape_of(output):
    """A layer's output shape, or the list of its outputs' shapes (an LSTM with return_state)."""
    if isinstance(output, (list, tuple)):
        return [shape_of(o) for o in keras.tree.flatten(output)]
    return [None if d is None else int(d) for d in output.shape]


def main():
    only = set(sys.argv[1:])
    os.makedirs(ROOT, exist_ok=True)
    manifest_path = os.path.join(ROOT, "manifest.json")
    manifest = {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
                "article_resolution": ARTICLE_RES, "cases": {}}
    if only and os.path.exists(manifest_path):
        manifest["cases"] = json.load(open(manifest_path))["cases"]
    for name, (build, extra, dtype, description) in CASES.items():
        if only and name not in only:
            continue
        keras.backend.clear_session()
        model = build()
        out_dir = os.path.join(ROOT, name)
        os.makedirs(out_dir, exist_ok=True)
        weights = {}
        for layer in model.layers:
            weights.update(set_seeded_weights(layer, dtype))
        inputs = {t.name.split(":")[0]: None for t in model.inputs}
        input_layers = [l for l in model.layers if isinstance(l, keras.layers.InputLayer)]
        feed = {l.name: seeded_input(l.name, l.batch_shape[1:]) for l in input_layers}
        for l in input_layers:
            if "int" in str(l.dtype):
                # Token ids for an Embedding: seeded uniforms scaled to the vocabulary, as integers (stored as F32).
                vocabulary = min((e.input_dim for e in model.layers if isinstance(e, L.Embedding)), default=8)
                feed[l.name] = np.floor((feed[l.name] + 1) / 2 * vocabulary).astype(np.float32)
        for input_name, change in FEEDS.get(name, {}).items():
            feed[input_name] = change(feed[input_name])
        assert len(feed) == len(model.inputs)
        names = [n.split("/")[0] for n in model.output_names] if hasattr(model, "output_names") else []
        outputs = [o for o in (model.outputs)]
        # A later call of a shared layer is recorded as netviz names it: `shared[2]` (Keras's node index).
        # A later output of a layer with several (an LSTM's state) is recorded as `lstm:2` (Keras's tensor index).
        out_layers = [(h[0].name if h[1] == 0 else f"{h[0].name}[{h[1]}]") + (f":{h[2]}" if h[2] > 0 else "")
                      for h in (o._keras_history for o in outputs)]
        record = list(dict.fromkeys(out_layers + extra))
        # Outputs by their tensors (a keras.ops node is an operation, not a layer get_layer finds), extras by layer.
        by_name = dict(zip(out_layers, outputs))
        def first(o):
            return o[0] if isinstance(o, (list, tuple)) else o
        probe = keras.Model(model.inputs, [by_name[n] if n in by_name else first(model.get_layer(n).output)
                                           for n in record])
        x = [feed[l.name].astype(np.int32) if "int" in str(l.dtype) else feed[l.name] for l in input_layers]
        arg = x if len(x) > 1 else x[0]
        try:
            got = probe(arg, training=False)
        except tf.errors.UnimplementedError:
            # TensorFlow's CPU Conv2D op has no NCHW kernel. Keras defines channels_first as the same convolution on
            # transposed data, so run TensorFlow's NHWC op on the transposed input and transpose back. (XLA,
            # jit_compile=True, does run the NCHW graph but disagrees with this by up to 0.13 here: see
            # Docs/verification.md.)
            layer = model.get_layer("conv")
            kernel, bias = layer.get_weights()
            y = tf.nn.conv2d(np.transpose(arg, (0, 2, 3, 1)), kernel, strides=layer.strides,
                             padding=layer.padding.upper()) + bias
            got = [np.transpose(y.numpy(), (0, 3, 1, 2))]
            manifest_note = ("TensorFlow's CPU Conv2D op has no NCHW kernel: computed with tf.nn.conv2d (NHWC) on the "
                             "transposed input, transposed back")
        else:
            manifest_note = None
        got = got if isinstance(got, (list, tuple)) else [got]
        expected = {n: np.asarray(v, dtype=np.float32) for n, v in zip(record, got)}
        for f in ("weights.safetensors",):
            p = os.path.join(out_dir, f)
            if os.path.exists(p):
                os.remove(p)
        if dtype is not None and weights:
            write_safetensors(os.path.join(out_dir, "weights.safetensors"), weights, dtype)
        write_safetensors(os.path.join(out_dir, "inputs.safetensors"), feed)
        write_safetensors(os.path.join(out_dir, "expected.safetensors"), expected)
        if name.startswith("imported_"):
            with open(os.path.join(out_dir, "model.json"), "w") as f:
                f.write(model.to_json())
        if name == "mobilenet_025_32":
            np.save(os.path.join(out_dir, "input.npy"), feed[input_layers[0].name])
            np.save(os.path.join(out_dir, "output.npy"), expected[out_layers[0]])
        manifest["cases"][name] = {
            "description": description, "model_name": model.name, "inputs": [l.name for l in input_layers],
            "outputs": out_layers, "recorded": record, "weights": dtype is not None and bool(weights),
            "weight_dtype": dtype, "params": int(model.count_params()),
            "note": manifest_note,
            "max_abs_output": float(max(np.abs(v).max() for v in expected.values())),
            "layer_params": {l.name: int(l.count_params()) for l in model.layers} if name != "imported_ops" else None,
            "layer_calls": {l.name: len(l._inbound_nodes) for l in model.layers},
            "layer_output_shapes": {l.name: shape_of(l.output) for l in model.layers},
        }
        print(f"{name}: {model.count_params()} params, recorded {', '.join(record)}")
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
