// README.md's C++ quick start; ctest example_quick_start_cpp checks its output.
#include <cstdio>
#include <vector>

#include "variance_scaling.hpp"

int main()
{
    try {
        // He normal: scale 2, fan_in, truncated normal; seed 42
        auto init = vs::Initializer::create(2.0, vs::Mode::FanIn,
                                            vs::Distribution::TruncatedNormal, 42);
        std::vector<float> w = init.fill_f32({3, 3, 16, 32});  // Conv2D 3x3, 16 -> 32
        std::printf("w[0] = %+f  w[1] = %+f  w[%zu] = %+f\n", w[0], w[1], w.size() - 1,
                    w.back());
    } catch (const vs::Error &e) {  // e.status() and the library's message
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
