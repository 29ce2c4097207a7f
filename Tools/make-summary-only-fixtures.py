#!/usr/bin/env python3
"""Writes Tests/NetVizTests/Fixtures/keras/summary-only: Keras 3 models netviz summarises exactly but cannot run, so
their fixtures are Keras's summary rows, not TensorFlow's outputs:
- layers netviz has no code for (registered custom classes, one holding sub-layers, Keras's own CustomScaleLayer of
  InceptionResNetV2, Lambda), read without their Python code (Docs/keras-import.md, "Custom layers"): output
  shapes from what their consumers read, params from the archive's model.weights.h5;
- text preprocessing on string inputs (StringLookup, TextVectorization, Hashing, HashedCrossing), the audio
  front ends (MelSpectrogram, STFTSpectrogram), ContrastLimitedAdaptiveHistogramEqualization (no kernel)
  and RandomCrop (Keras's inference output contradicts its declared shape).

    /work/venv-tf/bin/python Tools/make-summary-only-fixtures.py [OUT_DIR]   # needs scipy for STFTSpectrogram

For each model NAME: NAME.keras (model.save; custom-layer models only), NAME.json (model.to_json()), NAME.expected.json (the rows of Keras's
model.summary(): name, class, output shape, params, trainable split).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import keras  # noqa: E402
from keras.src.applications.inception_resnet_v2 import CustomScaleLayer  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "NetVizTests", "Fixtures", "keras", "summary-only")
L = keras.layers


@keras.saving.register_keras_serializable(package="netviz")
class ScaleShift(L.Layer):
    """Per-channel scale (trainable) and shift (non-trainable)."""

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(input_shape[-1],), initializer="zeros", name="beta", trainable=False)

    def call(self, x):
        return x * self.gamma + self.beta


@keras.saving.register_keras_serializable(package="netviz")
class PatchTokens(L.Layer):
    """(h, w, c) -> (h*w/4, 4*c): a shape change netviz cannot know without the layer's code."""

    def call(self, x):
        h, w, c = x.shape[1], x.shape[2], x.shape[3]
        return keras.ops.reshape(x, (-1, h * w // 4, 4 * c))

    def compute_output_shape(self, s):
        return (s[0], s[1] * s[2] // 4, 4 * s[3])


@keras.saving.register_keras_serializable(package="netviz")
class MLPBlock(L.Layer):
    """A layer holding two Dense sub-layers: its variables live under its own group, one level down."""

    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.up = L.Dense(units * 2, activation="gelu")
        self.down = L.Dense(units)

    def build(self, input_shape):
        self.up.build(input_shape)
        self.down.build(input_shape[:-1] + (self.units * 2,))

    def call(self, x):
        return x + self.down(self.up(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def custom_functional():
    x = keras.Input((8, 8, 3), name="image")
    y = L.Conv2D(8, 3, padding="same", name="conv")(x)
    y = ScaleShift(name="scale_shift")(y)
    r = L.Conv2D(8, 1, name="branch")(y)
    y = CustomScaleLayer(scale=0.17, name="custom_scale")([y, r])
    y = PatchTokens(name="tokens")(y)
    y = L.Dense(8, name="proj")(y)
    y = MLPBlock(8, name="mlp")(y)
    y = L.Lambda(lambda t: keras.ops.mean(t, axis=1), name="pool")(y)
    y = L.Dense(4, activation="softmax", name="head")(y)
    return keras.Model(x, y, name="custom_functional")


def custom_sequential():
    return keras.Sequential([
        keras.Input((6,), name="features"),
        L.Dense(8, name="dense"),
        ScaleShift(name="scale_shift"),
        L.Lambda(lambda t: keras.ops.stack([t, t], axis=1), name="pair"),
        L.Flatten(name="flatten"),
        L.Dense(2, name="out"),
    ], name="custom_sequential")


def text_preprocessing():
    text = keras.Input((1,), dtype="string", name="text")
    words = keras.Input((3,), dtype="string", name="words")
    ids = keras.Input((3,), dtype="int32", name="ids")
    a = keras.Input((2,), dtype="int32", name="a")
    b = keras.Input((2,), dtype="int32", name="b")
    outputs = [
        L.TextVectorization(max_tokens=20, output_sequence_length=6, vocabulary=["the", "cat", "sat"], name="tokens")(text),
        L.TextVectorization(output_mode="multi_hot", vocabulary=["the", "cat", "sat"], name="bag")(text),
        L.TextVectorization(output_mode="count", split=None, vocabulary=["the cat", "sat"], name="phrases")(text),
        L.StringLookup(vocabulary=["a", "b", "c"], name="lookup")(words),
        L.StringLookup(vocabulary=["a", "b", "c"], mask_token="", output_mode="multi_hot", name="lookup_hot")(words),
        L.StringLookup(vocabulary=["a", "b"], num_oov_indices=2, output_mode="one_hot", name="lookup_one_hot")(words),
        L.Hashing(16, name="hash_words")(words),
        L.Hashing(8, output_mode="multi_hot", name="hash_ids")(ids),
        L.HashedCrossing(10, name="cross")([a, b]),
        L.HashedCrossing(6, output_mode="one_hot", name="cross_hot")([a[:, :1], b[:, :1]]),
    ]
    return keras.Model([text, words, ids, a, b], outputs, name="text_preprocessing")


def audio_front_ends():
    wave = keras.Input((4000,), name="wave")
    channels = keras.Input((4000, 1), name="channels")
    mel = L.MelSpectrogram(fft_length=256, sequence_stride=128, sequence_length=200, num_mel_bins=40,
                           sampling_rate=8000, name="mel")(wave)
    stft = L.STFTSpectrogram(mode="log", frame_length=200, frame_step=100, fft_length=256, name="stft")(channels)
    return keras.Model([wave, channels], [mel, stft], name="audio_front_ends")


def image_layers():
    """CLAHE (no kernel in netviz) and RandomCrop, whose Keras 3.15 TensorFlow code returns its input unchanged at
    inference although it declares (height, width): rows only."""
    photo = keras.Input((16, 16, 3), name="photo")
    equalized = L.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(4, 4), name="clahe")(photo)
    cropped = L.RandomCrop(8, 12, name="random_crop")(photo)
    return keras.Model(photo, [equalized, cropped], name="image_layers")


def rows(model):
    out = []
    for layer in model.layers:
        total = sum(int(w.numpy().size) for w in layer.weights)
        trainable = sum(int(w.numpy().size) for w in layer.trainable_weights)
        shape = [None if d is None else int(d) for d in layer.output.shape]
        out.append({"name": layer.name, "class_name": layer.__class__.__name__, "output_shape": shape, "params": total,
                    "trainable_params": trainable, "non_trainable_params": total - trainable})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for make in (custom_functional, custom_sequential, text_preprocessing, audio_front_ends, image_layers):
        model = make()
        name = model.name
        if name.startswith("custom"):  # the archives' weights give custom layers their params; the others need none
            model.save(os.path.join(OUT, f"{name}.keras"))
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            f.write(model.to_json())
        expected = {"model": name, "keras_version": keras.__version__, "total_params": int(model.count_params()),
                    "layers": rows(model)}
        with open(os.path.join(OUT, f"{name}.expected.json"), "w") as f:
            json.dump(expected, f, separators=(",", ":"))
        print(f"{name}: {len(expected['layers'])} rows, {expected['total_params']} params", file=sys.stderr)


if __name__ == "__main__":
    main()
