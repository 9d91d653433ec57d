import unittest

from app import predict


class PredictTest(unittest.TestCase):
    def test_linear(self) -> None:
        self.assertEqual(predict(0), 1.0)
        self.assertEqual(predict(1.5), 4.0)


if __name__ == "__main__":
    unittest.main()
