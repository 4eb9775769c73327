"""The JAX adapter: init(key, shape, dtype) with the seed from the key,
eagerly, under jax.jit and jax.vmap."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import variance_scaling as vs
from variance_scaling import jax as vsj


def test_key_seed_rule() -> None:
    assert vsj.key_seed(jax.random.key(42)) == 42
    assert vsj.key_seed(jax.random.PRNGKey(42)) == 42
    raw = jnp.array([3, 5], dtype=jnp.uint32)
    assert vsj.key_seed(raw) == (3 << 32) | 5
    k = jax.random.split(jax.random.key(0))[1]
    w = np.asarray(jax.random.key_data(k)).tolist()
    assert vsj.key_seed(k) == (w[0] << 32) | w[1]
    four = jnp.array([1, 2, 3, 4], dtype=jnp.uint32)
    data = b"".join(x.to_bytes(4, "big") for x in (1, 2, 3, 4))
    assert vsj.key_seed(four) == vs.derive_seed_name(0, data)


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float16, jnp.bfloat16])
def test_init_eager_and_jit(dtype: object) -> None:
    init = vsj.he_normal()
    key = jax.random.key(42)
    want = vs.he_normal(seed=42)((3, 3, 16, 8), dtype)
    eager = init(key, (3, 3, 16, 8), dtype)
    jitted = jax.jit(init, static_argnums=(1, 2))(key, (3, 3, 16, 8), dtype)
    for got in (eager, jitted):
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(np.asarray(got).view(np.uint8), want.view(np.uint8))


def test_jit_inside_a_model_function() -> None:
    """Flax-style: a traced key, split inside jit, feeding two layers."""
    dense_init = vsj.variance_scaling(1.0, "fan_avg", "uniform", algorithm="pcg64-block-v1")

    @jax.jit
    def params(key: jax.Array) -> dict[str, jax.Array]:
        k1, k2 = jax.random.split(key)
        return {"w1": vsj.glorot_normal()(k1, (20, 30)), "w2": dense_init(k2, (30, 4))}

    key = jax.random.key(7)
    p = params(key)
    k1, k2 = jax.random.split(key)
    assert np.array_equal(np.asarray(p["w1"]), vs.glorot_normal(seed=vsj.key_seed(k1))((20, 30)))
    want = vs.glorot_uniform(seed=vsj.key_seed(k2)).with_algorithm(1)((30, 4))
    assert np.array_equal(np.asarray(p["w2"]), want)
    assert not np.array_equal(np.asarray(p["w1"]), np.asarray(params(jax.random.key(8))["w1"]))


def test_vmap_over_keys_and_raw_keys() -> None:
    init = vsj.lecun_uniform()
    keys = jax.random.split(jax.random.key(1), 3)
    batch = jax.jit(jax.vmap(lambda k: init(k, (5, 6))))(keys)
    assert batch.shape == (3, 5, 6)
    for i in range(3):
        assert np.array_equal(np.asarray(batch[i]), vs.lecun_uniform(seed=vsj.key_seed(keys[i]))((5, 6)))
    raw = jax.random.PRNGKey(9)
    assert np.array_equal(np.asarray(jax.jit(init, static_argnums=1)(raw, (4, 4))),
                          vs.lecun_uniform(seed=9)((4, 4)))


def test_from_initializer_and_errors() -> None:
    base = vs.VarianceScaling(0.25, "fan_out", "untruncated_normal", seed=1, input_axes=[1], output_axes=[0])
    init = vsj.from_initializer(base)
    got = init(jax.random.key(5), (6, 4))
    assert np.array_equal(np.asarray(got), base.with_seed(5)((6, 4)))
    with pytest.raises(vs.VarianceScalingValueError) as e:
        jax.jit(init, static_argnums=1)(jax.random.key(5), (6, -1))
    assert e.value.status == "VS_ERR_INVALID_SHAPE"
    with pytest.raises(vs.VarianceScalingTypeError):
        init(jnp.zeros(2, jnp.float32), (2, 2))
    with pytest.raises(vs.VarianceScalingValueError):
        init(jax.random.split(jax.random.key(0), 2), (2, 2))
    with pytest.raises(vs.VarianceScalingValueError) as m:
        vsj.variance_scaling(mode="fan_everything")
    assert m.value.status == "VS_ERR_INVALID_MODE"
