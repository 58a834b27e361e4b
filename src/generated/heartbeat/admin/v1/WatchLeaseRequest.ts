// Original file: proto/admin.proto


export interface WatchLeaseRequest {
}

export interface WatchLeaseRequest__Output {
}
