//! Runs the vs-init binary: each input form, each output format checked
//! against the library's own fills, and each error with its status, its
//! message and no file left behind.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{
    BIN, args, data, drawn_seed, entries, ok, run, same_file, says, status, stderr, write_json,
};
use serde_json::{Value, json};
use variance_scaling::{Element, Initializer, derive_seed_name};

/// A fresh, empty directory for one test.
fn scratch(test: &str) -> PathBuf {
    common::scratch_in("vs-init", test)
}

/// `written`, and the tensors of the safetensors file `out`.
fn tensors_written(input: &Path, out: &Path, seed: &str, extra: &[&str]) -> Vec<St> {
    written(input, out, seed, extra);
    read_safetensors(out).0
}

/// A fresh directory for one test holding `v` as the JSON file `name`.
fn scratch_with(test: &str, name: &str, v: &Value) -> (PathBuf, PathBuf) {
    let d = scratch(test);
    let m = d.join(name);
    write_json(&m, v);
    (d, m)
}

/// `input -o out --seed seed`, then `extra` and `-q`: must succeed.
fn written(input: &Path, out: &Path, seed: &str, extra: &[&str]) {
    let mut rest = vec!["--seed", seed];
    rest.extend_from_slice(extra);
    rest.push("-q");
    ok(&run(&args(input, out, &rest), &[]));
}

struct St {
    name: String,
    dtype: String,
    shape: Vec<i64>,
    data: Vec<u8>,
}

/// A strict reader of the safetensors layout: header length, JSON header
/// padded to 8 bytes, data offsets back to back covering the rest.
fn read_safetensors(path: &Path) -> (Vec<St>, Value) {
    let bytes = std::fs::read(path).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(n % 8, 0, "header not padded to 8 bytes");
    let header: Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    let data = &bytes[8 + n..];
    let mut out = Vec::new();
    let mut covered = 0u64;
    for (k, v) in header.as_object().unwrap() {
        if k == "__metadata__" {
            continue;
        }
        let off = v["data_offsets"].as_array().unwrap();
        let (a, b) = (off[0].as_u64().unwrap(), off[1].as_u64().unwrap());
        covered += b - a;
        out.push(St {
            name: k.clone(),
            dtype: v["dtype"].as_str().unwrap().to_string(),
            shape: v["shape"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_i64().unwrap())
                .collect(),
            data: data[a as usize..b as usize].to_vec(),
        });
    }
    assert_eq!(covered, data.len() as u64, "data not exactly covered");
    let meta = header["__metadata__"].clone();
    (out, meta)
}

fn find<'a>(ts: &'a [St], name: &str) -> &'a St {
    ts.iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tensor {name}"))
}

/// An element type as the files hold it: little-endian bytes.
trait Le: Element {
    fn put(self, out: &mut Vec<u8>);
}

macro_rules! le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
le!(f32, f64, half::f16, half::bf16);

/// The library's fill of `shape` by the initializer `json` with `seed`,
/// as little-endian bytes of `T`.
fn expected<T: Le>(json: &str, seed: u64, shape: &[i64]) -> Vec<u8> {
    let init = Initializer::from_json(json)
        .unwrap()
        .with_seed(Some(seed))
        .unwrap();
    let n: i64 = shape.iter().product();
    let mut v = vec![T::from_f64(0.0); n as usize];
    init.fill(shape, &mut v).unwrap();
    let mut bytes = Vec::with_capacity(v.len() * std::mem::size_of::<T>());
    for x in v {
        x.put(&mut bytes);
    }
    bytes
}

/// The tensor holds the library's f32 fill of `shape` by `json` with
/// `seed`.
fn is_fill(t: &St, json: &str, seed: u64, shape: &[i64]) {
    assert!(
        t.data == expected::<f32>(json, seed, shape),
        "{}: not the library's fill",
        t.name
    );
}

fn f32s(b: &[u8]) -> Vec<f32> {
    b.chunks(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

#[test]
fn keras_fixture_gives_the_library_fills() {
    let d = scratch("keras_fixture");
    let out = d.join("m.safetensors");
    let o = run(
        &args(&data("model_to_json.json"), &out, &["--seed", "1234"]),
        &[],
    );
    ok(&o);
    let (ts, meta) = read_safetensors(&out);
    assert_eq!(meta["seed"], "1234");
    let names: Vec<&str> = ts.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), 6, "{names:?}");
    let k = find(&ts, "conv2d/kernel");
    assert_eq!(k.shape, [3, 3, 3, 64]);
    assert_eq!(k.dtype, "F32");
    // unseeded in the model: the seed derived from --seed and the name
    is_fill(
        k,
        "\"he_normal\"",
        derive_seed_name(1234, b"conv2d/kernel"),
        &k.shape,
    );
    // seeded in the model: its own seed
    let k = find(&ts, "conv2d_1/kernel");
    assert_eq!(k.shape, [3, 3, 64, 32]);
    is_fill(
        k,
        r#"{"scale": 0.5, "mode": "fan_avg", "distribution": "uniform"}"#,
        7,
        &k.shape,
    );
    let k = find(&ts, "dense/kernel");
    assert_eq!(k.shape, [25088, 10]);
    is_fill(k, "\"glorot_normal\"", 42, &k.shape);
    for (b, n) in [
        ("conv2d/bias", 64),
        ("conv2d_1/bias", 32),
        ("dense/bias", 10),
    ] {
        let t = find(&ts, b);
        assert_eq!(t.shape, [n]);
        assert!(f32s(&t.data).iter().all(|&x| x == 0.0));
    }
    // the summary names each tensor
    let table = String::from_utf8_lossy(&o.stdout);
    for n in names {
        assert!(table.contains(n), "{table}");
    }
    assert!(table.contains("stddev 0.309411"), "{table}");
    assert_eq!(entries(&d), ["m.safetensors"]);
}

fn manifest() -> Value {
    json!([
        {"name": "a", "shape": [64, 32], "initializer": "he_uniform"},
        {"name": "b", "shape": [3, 3, 8, 16],
         "initializer": {"class_name": "VarianceScaling",
                         "config": {"scale": 2.0, "mode": "fan_out", "distribution": "untruncated_normal", "seed": 99}}},
        {"name": "c", "shape": [10, 20],
         "initializer": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}},
        {"name": "zeros", "shape": [5], "initializer": "zeros"},
        {"name": "ones", "shape": [2, 2], "initializer": {"class_name": "Ones", "config": {}}},
        {"name": "const", "shape": [3], "initializer": {"class_name": "Constant", "config": {"value": 0.25}}},
        {"name": "wide", "shape": [4], "dtype": "float64", "initializer": "glorot_normal"},
        {"name": "big", "shape": [1024, 1024], "initializer": "lecun_normal"}
    ])
}

/// The manifest and a tensor of several 8 MiB chunks (written while the
/// next chunk is filled).
fn big_manifest() -> Value {
    let mut m = manifest();
    m.as_array_mut()
        .unwrap()
        .push(json!({"name": "huge", "shape": [3000, 1024], "initializer": "he_uniform"}));
    m
}

#[test]
fn a_tensor_of_several_chunks_is_the_library_fill() {
    let (d, m) = scratch_with("chunks", "m.json", &big_manifest());
    let out = d.join("out.safetensors");
    let ts = tensors_written(&m, &out, "6", &[]);
    let h = find(&ts, "huge");
    is_fill(
        h,
        "\"he_uniform\"",
        derive_seed_name(6, b"huge"),
        &[3000, 1024],
    );
}

#[test]
fn manifest_gives_the_library_fills() {
    let (d, m) = scratch_with("manifest", "m.json", &manifest());
    let out = d.join("out.safetensors");
    let ts = tensors_written(&m, &out, "5", &[]);
    assert_eq!(ts.len(), 8);
    let a = find(&ts, "a");
    is_fill(a, "\"he_uniform\"", derive_seed_name(5, b"a"), &[64, 32]);
    let b = find(&ts, "b");
    is_fill(
        b,
        r#"{"scale": 2.0, "mode": "fan_out", "distribution": "untruncated_normal"}"#,
        99,
        &[3, 3, 8, 16],
    );
    let c = find(&ts, "c");
    is_fill(
        c,
        r#"{"mode": "fan_avg", "distribution": "uniform"}"#,
        derive_seed_name(5, b"c"),
        &[10, 20],
    );
    assert_eq!(f32s(&find(&ts, "zeros").data), [0.0; 5]);
    assert_eq!(f32s(&find(&ts, "ones").data), [1.0; 4]);
    assert_eq!(f32s(&find(&ts, "const").data), [0.25; 3]);
    let w = find(&ts, "wide");
    assert_eq!(w.dtype, "F64");
    assert_eq!(
        w.data,
        expected::<f64>("\"glorot_normal\"", derive_seed_name(5, b"wide"), &[4])
    );
}

#[test]
fn half_types_are_the_library_fills() {
    let (d, m) = scratch_with(
        "half",
        "m.json",
        &json!([{"name": "w", "shape": [300, 7], "initializer": "he_normal"}]),
    );
    for (dtype, tag) in [("f16", "F16"), ("bf16", "BF16")] {
        let out = d.join(format!("{dtype}.safetensors"));
        let ts = tensors_written(&m, &out, "3", &["--dtype", dtype]);
        assert_eq!(ts[0].dtype, tag);
        let seed = derive_seed_name(3, b"w");
        let bytes = if dtype == "f16" {
            expected::<half::f16>("\"he_normal\"", seed, &[300, 7])
        } else {
            expected::<half::bf16>("\"he_normal\"", seed, &[300, 7])
        };
        assert_eq!(ts[0].data, bytes, "{dtype}");
    }
}

#[test]
fn bytes_are_the_same_for_any_thread_count_and_run() {
    let (d, m) = scratch_with("threads", "m.json", &big_manifest());
    for (i, threads) in ["1", "2", "0", "2"].iter().enumerate() {
        for format in ["safetensors", "gguf"] {
            let out = d.join(format!("{i}.{format}"));
            written(&m, &out, "11", &["--threads", threads, "--format", format]);
            let first = d.join(format!("0.{format}"));
            same_file(&first, &out, &format!("{format} between thread counts"));
        }
    }
}

#[test]
fn an_unseeded_run_prints_its_seed_and_can_be_repeated() {
    let (d, m) = scratch_with("unseeded", "m.json", &manifest());
    let a = d.join("a.safetensors");
    let o = run(&args(&m, &a, &["-q"]), &[]);
    ok(&o);
    let err = stderr(&o);
    let seed = drawn_seed(&err);
    let b = d.join("b.safetensors");
    written(&m, &b, seed, &[]);
    same_file(&a, &b, "the repeated run");
    let (_, meta) = read_safetensors(&a);
    assert_eq!(meta["seed"], seed);
}

/// A layer as Keras 3's model.to_json() writes it.
fn layer(class: &str, name: &str, input_shape: Value, mut cfg: Value) -> Value {
    cfg["name"] = json!(name);
    json!({"module": "keras.layers", "class_name": class, "config": cfg,
           "registered_name": null, "build_config": {"input_shape": input_shape}})
}

fn model(layers: Vec<Value>) -> Value {
    json!({"module": "keras", "class_name": "Sequential",
           "config": {"name": "sequential", "layers": layers}, "registered_name": null})
}

fn glorot() -> Value {
    json!({"module": "keras.initializers", "class_name": "GlorotUniform",
           "config": {"seed": null}, "registered_name": null})
}

fn zeros() -> Value {
    json!({"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null})
}

fn orthogonal() -> Value {
    json!({"module": "keras.initializers", "class_name": "Orthogonal",
           "config": {"gain": 1.0, "seed": null}, "registered_name": null})
}

fn every_layer_kind() -> Value {
    let conv = |filters: i64, k: Value| {
        json!({"filters": filters, "kernel_size": k, "use_bias": true,
               "kernel_initializer": glorot(), "bias_initializer": zeros()})
    };
    let inner = json!({"module": "keras", "class_name": "Functional",
    "config": {"name": "inner", "layers": [
        {"class_name": "InputLayer", "config": {"name": "inner_input", "batch_shape": [null, 8]}},
        layer("Dense", "inner_dense", json!([null, 8]),
              json!({"units": 4, "use_bias": false, "kernel_initializer": "he_normal",
                     "bias_initializer": zeros()}))
    ]}});
    model(vec![
        layer("Conv1D", "c1", json!([null, 20, 3]), conv(5, json!([4]))),
        layer(
            "Conv3D",
            "c3",
            json!([null, 8, 8, 8, 2]),
            conv(6, json!([2, 3, 4])),
        ),
        layer(
            "Conv2D",
            "grouped",
            json!([null, 9, 9, 8]),
            json!({"filters": 6, "kernel_size": 3, "groups": 2,
                   "kernel_initializer": glorot(), "bias_initializer": zeros()}),
        ),
        layer(
            "Conv2D",
            "cfirst",
            json!([null, 7, 9, 9]),
            json!({"filters": 2, "kernel_size": [1, 1], "data_format": "channels_first",
                   "kernel_initializer": glorot(), "bias_initializer": zeros()}),
        ),
        layer(
            "Conv2DTranspose",
            "t2",
            json!([null, 9, 9, 7]),
            conv(3, json!([2, 2])),
        ),
        layer(
            "DepthwiseConv2D",
            "dw",
            json!([null, 9, 9, 4]),
            json!({"kernel_size": [3, 3], "depth_multiplier": 2, "use_bias": true,
                   "depthwise_initializer": glorot(), "bias_initializer": zeros()}),
        ),
        layer(
            "SeparableConv2D",
            "sep",
            json!([null, 9, 9, 4]),
            json!({"filters": 5, "kernel_size": [3, 3], "depth_multiplier": 2, "use_bias": true,
                   "depthwise_initializer": glorot(), "pointwise_initializer": glorot(),
                   "bias_initializer": zeros()}),
        ),
        layer(
            "Embedding",
            "emb",
            json!([null, 12]),
            json!({"input_dim": 100, "output_dim": 16, "embeddings_initializer": "he_uniform"}),
        ),
        layer(
            "SimpleRNN",
            "rnn",
            json!([null, 12, 16]),
            json!({"units": 3, "use_bias": true, "kernel_initializer": glorot(),
                   "recurrent_initializer": glorot(), "bias_initializer": zeros()}),
        ),
        layer(
            "GRU",
            "gru",
            json!([null, 12, 16]),
            json!({"units": 3, "use_bias": true, "kernel_initializer": glorot(),
                   "recurrent_initializer": glorot(), "bias_initializer": zeros(), "reset_after": true}),
        ),
        layer(
            "LSTM",
            "lstm",
            json!([null, 12, 16]),
            json!({"units": 3, "use_bias": true, "kernel_initializer": glorot(),
                   "recurrent_initializer": glorot(), "bias_initializer": zeros(), "unit_forget_bias": true}),
        ),
        layer("Flatten", "flat", json!([null, 3]), json!({})),
        inner,
    ])
}

#[test]
fn every_layer_kind_gets_its_keras_shapes() {
    let (d, m) = scratch_with("layers", "model.json", &every_layer_kind());
    let out = d.join("m.safetensors");
    let ts = tensors_written(&m, &out, "2", &[]);
    let expect: &[(&str, &[i64])] = &[
        ("c1/kernel", &[4, 3, 5]),
        ("c1/bias", &[5]),
        ("c3/kernel", &[2, 3, 4, 2, 6]),
        ("grouped/kernel", &[3, 3, 4, 6]),
        ("cfirst/kernel", &[1, 1, 7, 2]),
        ("t2/kernel", &[2, 2, 3, 7]),
        ("t2/bias", &[3]),
        ("dw/kernel", &[3, 3, 4, 2]),
        ("dw/bias", &[8]),
        ("sep/depthwise_kernel", &[3, 3, 4, 2]),
        ("sep/pointwise_kernel", &[1, 1, 8, 5]),
        ("sep/bias", &[5]),
        ("emb/embeddings", &[100, 16]),
        ("rnn/simple_rnn_cell/kernel", &[16, 3]),
        ("rnn/simple_rnn_cell/recurrent_kernel", &[3, 3]),
        ("rnn/simple_rnn_cell/bias", &[3]),
        ("gru/gru_cell/kernel", &[16, 9]),
        ("gru/gru_cell/recurrent_kernel", &[3, 9]),
        ("gru/gru_cell/bias", &[2, 9]),
        ("lstm/lstm_cell/kernel", &[16, 12]),
        ("lstm/lstm_cell/recurrent_kernel", &[3, 12]),
        ("lstm/lstm_cell/bias", &[12]),
        ("inner/inner_dense/kernel", &[8, 4]),
    ];
    for (name, shape) in expect {
        assert_eq!(find(&ts, name).shape, *shape, "{name}");
    }
    assert!(ts.iter().all(|t| t.name != "inner/inner_dense/bias"));
    assert_eq!(
        ts.len(),
        expect.len() + 3,
        "{:?}",
        ts.iter().map(|t| &t.name).collect::<Vec<_>>()
    );
    // Keras's unit_forget_bias: ones for the forget gate only
    assert_eq!(
        f32s(&find(&ts, "lstm/lstm_cell/bias").data),
        [0., 0., 0., 1., 1., 1., 0., 0., 0., 0., 0., 0.]
    );
    let k = find(&ts, "sep/pointwise_kernel");
    is_fill(
        k,
        "\"glorot_uniform\"",
        derive_seed_name(2, b"sep/pointwise_kernel"),
        &k.shape,
    );
}

fn npy_header(bytes: &[u8]) -> (String, usize) {
    assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
    let n = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    assert_eq!((10 + n) % 64, 0);
    (
        String::from_utf8(bytes[10..10 + n].to_vec()).unwrap(),
        10 + n,
    )
}

#[test]
fn npy_directory_holds_the_same_tensors() {
    let (d, m) = scratch_with("npy", "model.json", &every_layer_kind());
    let st = d.join("m.safetensors");
    let ts = tensors_written(&m, &st, "8", &[]);
    let dir = d.join("npy");
    written(&m, &dir, "8", &["--format", "npy"]);
    assert_eq!(entries(&dir).len(), ts.len());
    for t in &ts {
        let file = dir.join(format!("{}.npy", t.name.replace('/', "__")));
        let bytes = std::fs::read(&file).unwrap();
        let (h, start) = npy_header(&bytes);
        let dims: Vec<String> = t.shape.iter().map(|d| d.to_string()).collect();
        let shape = if dims.len() == 1 {
            format!("({},)", dims[0])
        } else {
            format!("({})", dims.join(", "))
        };
        assert!(
            h.starts_with(&format!(
                "{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}"
            )),
            "{h}"
        );
        assert!(h.ends_with('\n'));
        assert_eq!(&bytes[start..], t.data.as_slice(), "{}", t.name);
    }
    // the directory must be new; bf16 has no npy type
    let o = run(&args(&m, &dir, &["--format", "npy", "--seed", "1"]), &[]);
    status(&o, 5);
    says(&o, "already exists");
    let o = run(
        &args(
            &m,
            &d.join("bf"),
            &["--format", "npy", "--dtype", "bf16", "--seed", "1"],
        ),
        &[],
    );
    status(&o, 2);
    says(&o, "bfloat16");
    assert!(!d.join("bf").exists());
}

fn rd_u32(b: &[u8], at: &mut usize) -> u32 {
    let v = u32::from_le_bytes(b[*at..*at + 4].try_into().unwrap());
    *at += 4;
    v
}

fn rd_u64(b: &[u8], at: &mut usize) -> u64 {
    let v = u64::from_le_bytes(b[*at..*at + 8].try_into().unwrap());
    *at += 8;
    v
}

fn rd_str(b: &[u8], at: &mut usize) -> String {
    let n = rd_u64(b, at) as usize;
    let s = String::from_utf8(b[*at..*at + n].to_vec()).unwrap();
    *at += n;
    s
}

#[test]
fn gguf_has_reversed_dimensions_and_aligned_data() {
    let d = scratch("gguf");
    let m = d.join("m.json");
    let mut man = manifest();
    man.as_array_mut().unwrap().pop(); // keep it small
    write_json(&m, &man);
    let st = d.join("m.safetensors");
    let ts = tensors_written(&m, &st, "9", &[]);
    let gg = d.join("m.gguf");
    written(&m, &gg, "9", &["--format", "gguf"]);
    let b = std::fs::read(&gg).unwrap();
    assert_eq!(&b[..4], b"GGUF");
    let mut at = 4;
    assert_eq!(rd_u32(&b, &mut at), 3);
    let n_tensors = rd_u64(&b, &mut at);
    assert_eq!(n_tensors, ts.len() as u64);
    let n_kv = rd_u64(&b, &mut at);
    let mut alignment = None;
    for _ in 0..n_kv {
        let key = rd_str(&b, &mut at);
        match rd_u32(&b, &mut at) {
            8 => {
                let v = rd_str(&b, &mut at);
                if key == "vs-init.seed" {
                    assert_eq!(v, "9");
                }
            }
            4 => {
                let v = rd_u32(&b, &mut at);
                if key == "general.alignment" {
                    alignment = Some(v as u64);
                }
            }
            t => panic!("unexpected kv type {t} for {key}"),
        }
    }
    let alignment = alignment.expect("general.alignment");
    assert_eq!(alignment, 32);
    let mut infos = Vec::new();
    for _ in 0..n_tensors {
        let name = rd_str(&b, &mut at);
        let nd = rd_u32(&b, &mut at) as usize;
        let dims: Vec<u64> = (0..nd).map(|_| rd_u64(&b, &mut at)).collect();
        let ty = rd_u32(&b, &mut at);
        let off = rd_u64(&b, &mut at);
        assert_eq!(off % alignment, 0);
        infos.push((name, dims, ty, off));
    }
    let start = (at as u64).next_multiple_of(alignment) as usize;
    for (name, dims, ty, off) in infos {
        let t = find(&ts, &name);
        let rev: Vec<u64> = t.shape.iter().rev().map(|&d| d as u64).collect();
        assert_eq!(dims, rev, "{name}");
        assert_eq!(ty, if t.dtype == "F64" { 28 } else { 0 }, "{name}");
        let a = start + off as usize;
        assert_eq!(&b[a..a + t.data.len()], t.data.as_slice(), "{name}");
    }
    assert_eq!(b.len() % 32, 0);
}

#[test]
fn gguf_refuses_five_dimensions() {
    let (d, m) = scratch_with(
        "gguf5",
        "m.json",
        &json!([{"name": "k", "shape": [2, 2, 2, 2, 2], "initializer": "he_normal"}]),
    );
    let out = d.join("m.gguf");
    let o = run(&args(&m, &out, &["--format", "gguf", "--seed", "1"]), &[]);
    status(&o, 3);
    says(&o, "\"k\"");
    says(&o, "at most 4");
    assert_eq!(entries(&d), ["m.json"]);
}

/// Runs vs-init on `input`, expects `code` and every `needles` in the
/// message, and that the scratch directory holds only the input.
fn fails(test: &str, input: &Value, extra: &[&str], code: i32, needles: &[&str]) -> String {
    let (d, m) = scratch_with(test, "in.json", input);
    let out = d.join("out.safetensors");
    let mut rest = vec!["--seed", "1"];
    rest.extend_from_slice(extra);
    let o = run(&args(&m, &out, &rest), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "{err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in: {err}");
    }
    assert_eq!(entries(&d), ["in.json"], "something was left behind");
    err
}

#[test]
fn not_a_keras_model_is_an_input_error() {
    fails(
        "not_model",
        &json!({"foo": 1}),
        &[],
        3,
        &["not a Keras model"],
    );
    fails(
        "not_model_class",
        &json!({"class_name": "Dense", "config": {"layers": []}}),
        &[],
        3,
        &["not a Keras model", "Dense"],
    );
    fails("not_model_num", &json!(42), &[], 3, &["not a Keras model"]);
    // not JSON at all
    let d = scratch("not_json");
    let m = d.join("in.json");
    std::fs::write(&m, "{ this is not json").unwrap();
    let o = run(&args(&m, &d.join("o"), &[]), &[]);
    status(&o, 3);
    says(&o, "not valid JSON");
    // a missing input file
    let o = run(
        &args(Path::new("/nonexistent/model.json"), &d.join("o"), &[]),
        &[],
    );
    status(&o, 3);
    says(&o, "/nonexistent/model.json");
}

#[test]
fn a_layer_without_build_config_is_named() {
    let mut l = layer(
        "Dense",
        "head",
        json!(null),
        json!({"units": 3, "kernel_initializer": glorot(), "bias_initializer": zeros()}),
    );
    l.as_object_mut().unwrap().remove("build_config");
    fails(
        "no_build_config",
        &model(vec![l]),
        &[],
        3,
        &["layer \"head\" (Dense)", "build_config"],
    );
    let l = layer(
        "Dense",
        "head",
        json!([null, null]),
        json!({"units": 3, "kernel_initializer": glorot(), "bias_initializer": zeros()}),
    );
    fails(
        "unknown_dim",
        &model(vec![l]),
        &[],
        3,
        &["layer \"head\" (Dense)", "None"],
    );
}

#[test]
fn unsupported_initializers_and_layers_are_named_or_skipped() {
    let lstm = layer(
        "LSTM",
        "lstm_7",
        json!([null, 5, 4]),
        json!({"units": 2, "use_bias": true, "kernel_initializer": glorot(),
               "recurrent_initializer": orthogonal(), "bias_initializer": zeros(),
               "unit_forget_bias": true}),
    );
    fails(
        "orthogonal",
        &model(vec![lstm.clone()]),
        &[],
        4,
        &[
            "layer \"lstm_7\" (LSTM)",
            "recurrent_initializer",
            "Orthogonal",
            "--skip-unsupported",
        ],
    );
    let bn = layer(
        "BatchNormalization",
        "bn",
        json!([null, 4]),
        json!({"gamma_initializer": {"class_name": "Ones", "config": {}}}),
    );
    fails(
        "batchnorm",
        &model(vec![bn.clone()]),
        &[],
        4,
        &["layer \"bn\" (BatchNormalization)", "not supported"],
    );
    let emb = layer(
        "Embedding",
        "emb",
        json!([null, 3]),
        json!({"input_dim": 10, "output_dim": 4,
               "embeddings_initializer": {"class_name": "RandomUniform",
                                          "config": {"minval": -0.05, "maxval": 0.05, "seed": null}}}),
    );
    fails(
        "random_uniform",
        &model(vec![emb.clone()]),
        &[],
        4,
        &["\"emb\"", "RandomUniform"],
    );
    fails(
        "manifest_unsupported",
        &json!([{"name": "q", "shape": [2, 2], "initializer": "orthogonal"}]),
        &[],
        4,
        &["\"q\"", "orthogonal"],
    );
    // an invalid config of a supported initializer is an input error
    fails(
        "bad_config",
        &json!([{"name": "q", "shape": [2, 2],
                 "initializer": {"class_name": "VarianceScaling", "config": {"mode": "fan_up"}}}]),
        &[],
        3,
        &["\"q\"", "fan_up"],
    );

    // skipped with a warning each; the other tensors are written
    let (d, m) = scratch_with("skip", "in.json", &model(vec![lstm, bn, emb]));
    let out = d.join("out.safetensors");
    let o = run(
        &args(&m, &out, &["--seed", "1", "--skip-unsupported", "-q"]),
        &[],
    );
    ok(&o);
    let err = stderr(&o);
    assert_eq!(err.matches("warning").count(), 3, "{err}");
    let (ts, _) = read_safetensors(&out);
    let names: Vec<&str> = ts.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"lstm_7/lstm_cell/kernel") && names.contains(&"lstm_7/lstm_cell/bias"));
}

#[test]
fn an_unwritable_output_leaves_nothing() {
    let (d, m) = scratch_with("unwritable", "m.json", &manifest());
    // a parent that does not exist, and a parent that is a file
    for out in [
        d.join("no/such/dir/out.safetensors"),
        m.join("out.safetensors"),
    ] {
        let o = run(&args(&m, &out, &["--seed", "1"]), &[]);
        status(&o, 5);
        says(&o, out.to_str().unwrap());
    }
    // an output that is a directory
    let o = run(&args(&m, &d, &["--seed", "1"]), &[]);
    status(&o, 5);
    assert_eq!(entries(&d), ["m.json"]);
}

#[test]
fn an_error_midway_leaves_no_partial_file() {
    let (d, m) = scratch_with("midway", "m.json", &big_manifest());
    // after 3 chunks: in a small tensor; after 9: inside "huge", written
    // by the second thread
    for (format, after) in [
        ("safetensors", "3"),
        ("npy", "3"),
        ("gguf", "3"),
        ("safetensors", "9"),
        ("npy", "9"),
    ] {
        let out = d.join(format!("out.{format}"));
        let o = run(
            &args(&m, &out, &["--seed", "1", "--format", format]),
            &[("VS_INIT_TEST_FAIL_AFTER", after)],
        );
        status(&o, 5);
        says(&o, "failure injected");
        assert_eq!(entries(&d), ["m.json"], "{format}");
    }
    // an existing output stays as it was
    let out = d.join("keep.safetensors");
    std::fs::write(&out, b"old").unwrap();
    let o = run(
        &args(&m, &out, &["--seed", "1"]),
        &[("VS_INIT_TEST_FAIL_AFTER", "0")],
    );
    status(&o, 5);
    assert_eq!(std::fs::read(&out).unwrap(), b"old");
    assert_eq!(entries(&d), ["keep.safetensors", "m.json"]);
}

#[test]
fn duplicate_names_and_bad_shapes_are_input_errors() {
    fails(
        "dup",
        &json!([{"name": "w", "shape": [2], "initializer": "zeros"},
                {"name": "w", "shape": [3], "initializer": "ones"}]),
        &[],
        3,
        &["\"w\"", "twice"],
    );
    fails(
        "negative",
        &json!([{"name": "w", "shape": [2, -1], "initializer": "he_normal"}]),
        &[],
        3,
        &["\"w\"", "-1"],
    );
    fails(
        "no_shape",
        &json!([{"name": "w", "initializer": "he_normal"}]),
        &[],
        3,
        &["\"w\"", "shape"],
    );
}

#[test]
fn bad_arguments_name_the_value() {
    let m = data("model_to_json.json");
    let m = m.to_str().unwrap();
    for (args, needle) in [
        (vec![m, "-o", "x", "--dtype", "f8"], "\"f8\""),
        (vec![m, "-o", "x", "--format", "onnx"], "\"onnx\""),
        (vec![m, "-o", "x", "--seed", "-1"], "\"-1\""),
        (vec![m, "-o", "x", "--threads", "many"], "\"many\""),
        (vec![m, "-o", "x", "--bogus"], "\"--bogus\""),
        (vec![m, "-o", "x", "--shard", "diagonal"], "\"diagonal\""),
        (vec![m], "-o"),
        (vec![m, "-o"], "-o"),
    ] {
        let o = run(&args, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    assert!(!Path::new("x").exists());
    let o = run(&["--help"], &[]);
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("--skip-unsupported"));
}

/// Without the `mpi` feature `--shard` is refused before anything is
/// read or written (tests/mpi.rs runs it under mpirun with the feature).
#[cfg(not(feature = "mpi"))]
#[test]
fn shard_needs_a_build_with_mpi() {
    let d = scratch("shard_no_mpi");
    let out = d.join("m.safetensors");
    for split in ["rows", "columns", "layers"] {
        let o = run(
            &args(&data("model_to_json.json"), &out, &["--shard", split]),
            &[],
        );
        status(&o, 2);
        says(&o, "built without MPI support");
        says(&o, &format!("--shard {split}"));
        says(&o, "--features mpi");
        assert!(entries(&d).is_empty());
    }
}

#[test]
fn progress_only_on_request_or_terminal_and_quiet_is_quiet() {
    let (d, m) = scratch_with("progress", "m.json", &manifest());
    let run_with = |name: &str, extra: &[&str]| {
        let out = d.join(name);
        let mut rest = vec!["--seed", "4"];
        rest.extend_from_slice(extra);
        let o = run(&args(&m, &out, &rest), &[]);
        ok(&o);
        o
    };
    // stderr is a pipe here: no bar, a summary on stdout
    let o = run_with("a.safetensors", &[]);
    assert!(!stderr(&o).contains('\r'), "{}", stderr(&o));
    let table = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(table.starts_with("tensor"), "{table}");
    assert!(table.contains("big") && table.contains("mean"), "{table}");
    // forced bar
    let o = run_with("b.safetensors", &["--progress"]);
    let err = stderr(&o);
    assert!(
        err.contains('\r') && err.contains("100.0%") && err.contains("MiB/s"),
        "{err}"
    );
    // quiet: nothing on stdout, no bar even when asked
    let o = run_with("c.safetensors", &["--progress", "--quiet"]);
    assert!(o.stdout.is_empty());
    assert!(!stderr(&o).contains('\r'));
}

/// On a terminal (a pseudo-terminal made by util-linux's `script`, in
/// Debian's essential bsdutils) the bar is shown without being asked for;
/// `--quiet` hides it there too.
#[test]
fn progress_bar_on_a_terminal() {
    let (d, m) = scratch_with("tty", "m.json", &manifest());
    let on_tty = |name: &str, extra: &str| {
        let cmd = format!(
            "'{BIN}' '{}' -o '{}' --seed 4 {extra}",
            m.display(),
            d.join(name).display()
        );
        let o = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .output()
            .expect("util-linux `script` (package bsdutils) runs the tool on a terminal");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let shown = on_tty("a.safetensors", "");
    assert!(
        shown.contains('\r') && shown.contains("100.0%") && shown.contains("left"),
        "{shown}"
    );
    assert!(
        shown.contains("tensor") && shown.contains("stddev"),
        "{shown}"
    );
    let quiet = on_tty("b.safetensors", "--quiet");
    assert!(
        !quiet.contains('\r') && !quiet.contains("100.0%"),
        "{quiet}"
    );
}
