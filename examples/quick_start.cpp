// The C++ quick start of README.md: the C quick start's He-normal Conv2D
// kernel through include/variance_scaling.hpp (RAII handle, exceptions).
// Built and run by the tests (ctest example_quick_start_cpp), which check
// that it prints the C quick start's three values.
#include <cstdio>
#include <exception>
#include <vector>

#include "variance_scaling.hpp"

int main()
{
    try {
        // He normal = scale 2, fan_in, truncated normal; or from Keras JSON:
        //   auto init = vs::Initializer::from_json(R"("he_normal")");
        auto init = vs::Initializer::create(2.0, vs::Mode::FanIn,
                                            vs::Distribution::TruncatedNormal, 42);
        // a Keras Conv2D kernel, 3x3, 16 -> 32 channels: (kh, kw, in, out)
        std::vector<float> w = init.fill_f32({3, 3, 16, 32});
        std::printf("w[0] = %+f  w[1] = %+f  w[%zu] = %+f\n", w[0], w[1], w.size() - 1,
                    w.back());
    } catch (const vs::Error &e) {  // e.status(), e.what(): the library's message
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
