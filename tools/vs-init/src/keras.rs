//! The tensors of a Keras 3 `model.to_json()`: each layer's kernel shapes
//! from its `build_config.input_shape` and its config, named like Keras's
//! weight paths (`<layer>/kernel`, `<layer>/bias`, `<layer>/lstm_cell/kernel`;
//! a layer of a nested model is `<model>/<layer>/...`).

use serde_json::{Map, Value};

use crate::Failure;
use crate::tensor::{DType, Fill, InitError, InitSpec, Tensor, make_tensor, parse_init};

/// Reads the tensors of a model and the warnings of skipped ones.
pub struct Reader {
    pub dtype: DType,
    pub base_seed: u64,
    pub skip_unsupported: bool,
    pub warnings: Vec<String>,
    pub tensors: Vec<Tensor>,
}

/// The model classes whose `config.layers` vs-init reads.
const MODEL_CLASSES: [&str; 3] = ["Sequential", "Functional", "Model"];

/// Whether a JSON value looks like a Keras model (`class_name` and
/// `config.layers`).
pub fn is_model(v: &Value) -> bool {
    v.get("class_name").and_then(Value::as_str).is_some()
        && v.get("config").and_then(|c| c.get("layers")).is_some()
}

/// Keys of a layer config that mean the layer has weights (or wraps one
/// that has).
fn has_weights(cfg: &Map<String, Value>) -> bool {
    cfg.iter().any(|(k, v)| {
        (k.ends_with("_initializer") && !v.is_null())
            || matches!(k.as_str(), "layer" | "layers" | "cell" | "backward_layer")
    })
}

/// A layer as messages name it.
struct Layer<'a> {
    name: &'a str,
    class: &'a str,
    cfg: &'a Map<String, Value>,
    json: &'a Value,
}

impl Layer<'_> {
    fn what(&self) -> String {
        format!("layer \"{}\" ({})", self.name, self.class)
    }

    fn input_shape(&self) -> Result<Vec<Option<i64>>, Failure> {
        let shape = self
            .json
            .get("build_config")
            .and_then(|b| b.get("input_shape"))
            .ok_or_else(|| {
                Failure::input(format!(
                    "{} has no build_config.input_shape: vs-init needs the model.to_json() of a built Keras 3 model",
                    self.what()
                ))
            })?;
        let dims = shape.as_array().ok_or_else(|| {
            Failure::input(format!(
                "{}: build_config.input_shape is not a list: {shape}",
                self.what()
            ))
        })?;
        dims.iter()
            .map(|d| match d {
                Value::Null => Ok(None),
                d => d.as_i64().filter(|&n| n >= 0).map(Some).ok_or_else(|| {
                    Failure::input(format!(
                        "{}: build_config.input_shape {shape} has an entry that is not a size: {d}",
                        self.what()
                    ))
                }),
            })
            .collect()
    }

    /// The size of the input's axis `axis` (negative: from the end).
    fn input_dim(&self, axis: isize) -> Result<i64, Failure> {
        let shape = self.input_shape()?;
        let i = if axis < 0 {
            shape.len() as isize + axis
        } else {
            axis
        };
        let show = || {
            let parts: Vec<String> = shape
                .iter()
                .map(|d| d.map_or("None".into(), |n| n.to_string()))
                .collect();
            format!("({})", parts.join(", "))
        };
        if i < 0 || i as usize >= shape.len() {
            return Err(Failure::input(format!(
                "{}: build_config.input_shape {} has no axis {axis}",
                self.what(),
                show()
            )));
        }
        shape[i as usize].ok_or_else(|| {
            Failure::input(format!(
                "{}: axis {axis} of build_config.input_shape {} is unknown (None)",
                self.what(),
                show()
            ))
        })
    }

    /// The channel axis's size (`data_format`).
    fn channels(&self) -> Result<i64, Failure> {
        match self.cfg.get("data_format").and_then(Value::as_str) {
            Some("channels_first") => self.input_dim(1),
            _ => self.input_dim(-1),
        }
    }

    fn int(&self, key: &str, default: Option<i64>) -> Result<i64, Failure> {
        match self.cfg.get(key) {
            None | Some(Value::Null) if default.is_some() => Ok(default.unwrap_or(0)),
            Some(v) if v.as_i64().is_some_and(|n| n >= 0) => Ok(v.as_i64().unwrap_or(0)),
            other => Err(Failure::input(format!(
                "{}: config \"{key}\" must be an integer >= 0; received: {}",
                self.what(),
                other.map_or("nothing".to_string(), Value::to_string)
            ))),
        }
    }

    fn flag(&self, key: &str, default: bool) -> bool {
        self.cfg
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(default)
    }

    /// `kernel_size` (an int or a list) as `rank` sizes.
    fn kernel_size(&self, rank: usize) -> Result<Vec<i64>, Failure> {
        let bad = || {
            Failure::input(format!(
                "{}: config \"kernel_size\" must be an integer or a list of {rank} integers; received: {}",
                self.what(),
                self.cfg
                    .get("kernel_size")
                    .map_or("nothing".to_string(), Value::to_string)
            ))
        };
        match self.cfg.get("kernel_size") {
            Some(Value::Number(n)) => n.as_i64().map(|k| vec![k; rank]).ok_or_else(bad),
            Some(Value::Array(a)) if a.len() == rank => a
                .iter()
                .map(|k| k.as_i64().filter(|&k| k >= 0).ok_or_else(bad))
                .collect(),
            _ => Err(bad()),
        }
    }
}

impl Reader {
    /// Reads the model `v` (checked with [`is_model`] or reported).
    pub fn model(&mut self, v: &Value, prefix: &str) -> Result<(), Failure> {
        let class = v.get("class_name").and_then(Value::as_str);
        let layers = v
            .get("config")
            .and_then(|c| c.get("layers"))
            .and_then(Value::as_array);
        let (Some(class), Some(layers)) = (class, layers) else {
            return Err(Failure::input(
                "not a Keras model: expected an object with \"class_name\" and a \"config\" with a \"layers\" list (Keras 3 model.to_json())",
            ));
        };
        if !MODEL_CLASSES.contains(&class) {
            return Err(Failure::input(format!(
                "not a Keras model: class_name {class:?} is not Sequential, Functional or Model"
            )));
        }
        for (i, l) in layers.iter().enumerate() {
            self.layer(l, i, prefix)?;
        }
        Ok(())
    }

    fn unsupported(&mut self, msg: String) -> Result<(), Failure> {
        if self.skip_unsupported {
            self.warnings.push(format!("{msg}; skipped"));
            Ok(())
        } else {
            Err(Failure::unsupported(format!(
                "{msg} (--skip-unsupported skips it with a warning)"
            )))
        }
    }

    fn layer(&mut self, l: &Value, index: usize, prefix: &str) -> Result<(), Failure> {
        let class = l.get("class_name").and_then(Value::as_str);
        let cfg = l.get("config").and_then(Value::as_object);
        let (Some(class), Some(cfg)) = (class, cfg) else {
            return Err(Failure::input(format!(
                "layer #{index} of the model has no \"class_name\" string or no \"config\" object"
            )));
        };
        let name = cfg.get("name").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() {
            return Err(Failure::input(format!(
                "layer #{index} ({class}) has no \"name\" in its config"
            )));
        }
        if MODEL_CLASSES.contains(&class) && cfg.contains_key("layers") {
            return self.model(l, &format!("{prefix}{name}/"));
        }
        let layer = Layer {
            name,
            class,
            cfg,
            json: l,
        };
        let path = format!("{prefix}{name}/");
        match class {
            "Dense" => {
                let input = layer.input_dim(-1)?;
                let units = layer.int("units", None)?;
                self.weight(
                    &layer,
                    &path,
                    "kernel",
                    vec![input, units],
                    "kernel_initializer",
                )?;
                self.bias(&layer, &path, vec![units])?;
            }
            "Conv1D" | "Conv2D" | "Conv3D" => {
                let rank = rank_of(class);
                let mut shape = layer.kernel_size(rank)?;
                let input = layer.channels()?;
                let groups = layer.int("groups", Some(1))?.max(1);
                if input % groups != 0 {
                    return Err(Failure::input(format!(
                        "{}: {input} input channels are not divisible by groups={groups}",
                        layer.what()
                    )));
                }
                let filters = layer.int("filters", None)?;
                shape.extend([input / groups, filters]);
                self.weight(&layer, &path, "kernel", shape, "kernel_initializer")?;
                self.bias(&layer, &path, vec![filters])?;
            }
            "Conv1DTranspose" | "Conv2DTranspose" | "Conv3DTranspose" => {
                let mut shape = layer.kernel_size(rank_of(class))?;
                let input = layer.channels()?;
                let filters = layer.int("filters", None)?;
                shape.extend([filters, input]);
                self.weight(&layer, &path, "kernel", shape, "kernel_initializer")?;
                self.bias(&layer, &path, vec![filters])?;
            }
            "DepthwiseConv1D" | "DepthwiseConv2D" => {
                let mut shape = layer.kernel_size(rank_of(class))?;
                let input = layer.channels()?;
                let dm = layer.int("depth_multiplier", Some(1))?;
                shape.extend([input, dm]);
                self.weight(&layer, &path, "kernel", shape, "depthwise_initializer")?;
                self.bias(&layer, &path, vec![input * dm])?;
            }
            "SeparableConv1D" | "SeparableConv2D" => {
                let rank = rank_of(class);
                let mut depthwise = layer.kernel_size(rank)?;
                let input = layer.channels()?;
                let dm = layer.int("depth_multiplier", Some(1))?;
                let filters = layer.int("filters", None)?;
                depthwise.extend([input, dm]);
                let mut pointwise = vec![1; rank];
                pointwise.extend([input * dm, filters]);
                self.weight(
                    &layer,
                    &path,
                    "depthwise_kernel",
                    depthwise,
                    "depthwise_initializer",
                )?;
                self.weight(
                    &layer,
                    &path,
                    "pointwise_kernel",
                    pointwise,
                    "pointwise_initializer",
                )?;
                self.bias(&layer, &path, vec![filters])?;
            }
            "Embedding" => {
                let shape = vec![
                    layer.int("input_dim", None)?,
                    layer.int("output_dim", None)?,
                ];
                self.weight(&layer, &path, "embeddings", shape, "embeddings_initializer")?;
            }
            "SimpleRNN" | "GRU" | "LSTM" => self.rnn(&layer, &path)?,
            _ if has_weights(cfg) => {
                self.unsupported(format!(
                    "{}: layer type {class} is not supported (vs-init reads Dense, Conv*, Conv*Transpose, DepthwiseConv*, SeparableConv*, Embedding, SimpleRNN, GRU, LSTM)",
                    layer.what()
                ))?;
            }
            // no weights: InputLayer, Flatten, Dropout, pooling, ...
            _ => {}
        }
        Ok(())
    }

    /// The input kernel, the recurrent kernel and the bias of a recurrent
    /// layer, under its cell's name as Keras 3 names them.
    fn rnn(&mut self, layer: &Layer, path: &str) -> Result<(), Failure> {
        let (k, cell) = match layer.class {
            "SimpleRNN" => (1, "simple_rnn_cell"),
            "GRU" => (3, "gru_cell"),
            _ => (4, "lstm_cell"),
        };
        let input = layer.input_dim(-1)?;
        let units = layer.int("units", None)?;
        let path = format!("{path}{cell}/");
        self.weight(
            layer,
            &path,
            "kernel",
            vec![input, units * k],
            "kernel_initializer",
        )?;
        self.weight(
            layer,
            &path,
            "recurrent_kernel",
            vec![units, units * k],
            "recurrent_initializer",
        )?;
        let bias = match layer.class {
            "GRU" if layer.flag("reset_after", true) => vec![2, units * 3],
            _ => vec![units * k],
        };
        let before = self.tensors.len();
        self.bias(layer, &path, bias)?;
        if layer.class == "LSTM"
            && layer.flag("unit_forget_bias", true)
            && layer.flag("use_bias", true)
        {
            // Keras: bias_initializer for the input gate, ones for the
            // forget gate, bias_initializer for the cell and output gates
            if let Some(t) = self.tensors.get_mut(before) {
                if let Fill::Blocks { values, block: 1 } = &t.fill {
                    let c = values[0];
                    t.fill = Fill::Blocks {
                        values: vec![c, 1.0, c, c],
                        block: units as u64,
                    };
                    t.init_label = format!("{} (forget gate 1)", t.init_label);
                } else {
                    return self.unsupported(format!(
                        "{}: unit_forget_bias=True with a bias_initializer that is not a constant",
                        layer.what()
                    ));
                }
            }
        }
        Ok(())
    }

    fn bias(&mut self, layer: &Layer, path: &str, shape: Vec<i64>) -> Result<(), Failure> {
        if layer.flag("use_bias", true) {
            self.weight(layer, path, "bias", shape, "bias_initializer")?;
        }
        Ok(())
    }

    /// The tensor `<path><weight>` filled by the layer's `key` initializer.
    fn weight(
        &mut self,
        layer: &Layer,
        path: &str,
        weight: &str,
        shape: Vec<i64>,
        key: &str,
    ) -> Result<(), Failure> {
        let init = match layer.cfg.get(key) {
            Some(v) if !v.is_null() => v,
            _ => {
                return Err(Failure::input(format!(
                    "{} has no \"{key}\" in its config",
                    layer.what()
                )));
            }
        };
        let spec: InitSpec = match parse_init(init) {
            Ok(s) => s,
            Err(InitError::Unsupported(c)) => {
                return self.unsupported(format!(
                    "{}: {key} {c} is not supported (vs-init fills VarianceScaling and its presets, and zeros/ones/constant)",
                    layer.what()
                ));
            }
            Err(InitError::Invalid(m)) => {
                return Err(Failure::input(format!("{}: {key}: {m}", layer.what())));
            }
        };
        let t = make_tensor(
            format!("{path}{weight}"),
            shape,
            self.dtype,
            &spec,
            self.base_seed,
        )?;
        self.tensors.push(t);
        Ok(())
    }
}

fn rank_of(class: &str) -> usize {
    if class.contains("1D") {
        1
    } else if class.contains("3D") {
        3
    } else {
        2
    }
}
