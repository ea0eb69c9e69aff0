// The lecture's 2-2-2-1 network with Eigen's fixed-size matrices: the same work as nonlin's
// compile-time case (a batch of 4096 and one sample), for tools/compile_time/measure.py.
#include <Eigen/Dense>
#include <vector>

struct lecture_network {
  Eigen::Matrix<float, 2, 2> w1 = Eigen::Matrix<float, 2, 2>::Zero(), w2 = Eigen::Matrix<float, 2, 2>::Zero();
  Eigen::Matrix<float, 1, 2> w3 = Eigen::Matrix<float, 1, 2>::Zero();
  Eigen::Vector2f b1 = Eigen::Vector2f::Zero(), b2 = Eigen::Vector2f::Zero();
  float b3 = 0.0f;

  float operator()(const Eigen::Vector2f& x) const {
    const Eigen::Vector2f h1 = (w1 * x + b1).array().tanh();
    const Eigen::Vector2f h2 = (w2 * h1 + b2).array().tanh();
    const float z = (w3 * h2)(0) + b3;
    return 1.0f / (1.0f + std::exp(-z));
  }
  // A batch as a 2 × n matrix, one sample per column.
  void forward(const Eigen::Matrix<float, 2, Eigen::Dynamic>& x, Eigen::Matrix<float, 1, Eigen::Dynamic>& y) const {
    const Eigen::Matrix<float, 2, Eigen::Dynamic> h1 = ((w1 * x).colwise() + b1).array().tanh();
    const Eigen::Matrix<float, 2, Eigen::Dynamic> h2 = ((w2 * h1).colwise() + b2).array().tanh();
    y = (1.0f + (-((w3 * h2).array() + b3)).exp()).inverse().matrix();
  }
};

int main() {
  const lecture_network m;
  Eigen::Matrix<float, 2, Eigen::Dynamic> in = Eigen::Matrix<float, 2, Eigen::Dynamic>::Constant(2, 4096, 0.5f);
  Eigen::Matrix<float, 1, Eigen::Dynamic> out(1, 4096);
  m.forward(in, out);
  const float y = m(Eigen::Vector2f(0.5f, -1.0f));
  return static_cast<int>(out(17) + y);
}
