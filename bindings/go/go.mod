module github.com/libvariance-scaling/variance_scaling/bindings/go

go 1.21
